// Linking Telegram end to end against the fake Bot API (tests/fake-telegram.ts): the account page
// makes the deep link, the fake's update with `/start <code>` is posted to /telegram/webhook, the
// chat id lands on the user, and from then on a new order reaches the lead's chat in Khmer, through
// the real outbox and pg-boss.
import { randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";

const fake = await vi.hoisted(async () => {
  const { startFakeTelegramForApp } = await import("../../tests/fake-telegram");
  return startFakeTelegramForApp("route");
});

import { prisma } from "~/db/db.server";
import { startQueue } from "~/jobs/queue.server";
import { startTelegramLink, TELEGRAM_LINK_MINUTES } from "~/messages/telegram-link.server";
import { telegramTransport } from "~/messages/telegram.server";
import { startOutboxWorker } from "~/messages/worker.server";
import { placeOrder, transitionSubOrder } from "~/orders/orders.server";
import { seedDemoData } from "../../prisma/seed";
import { buildWindow, userByEmail } from "../../tests/builders";
import { telegramWebhookRequest } from "../../tests/fake-telegram";
import { action } from "./telegram.webhook";

let boss: PgBoss;
let worker: Awaited<ReturnType<typeof startOutboxWorker>>;
let updateId = 5_000;

beforeAll(async () => {
  await seedDemoData(prisma);
  boss = await startQueue(process.env.DATABASE_URL!, () => {});
  worker = await startOutboxWorker(boss, {
    transports: { TELEGRAM: telegramTransport(fake.token, fake.apiRoot, { timeoutSeconds: 5 }) },
    pollingIntervalSeconds: 0.5,
  });
});
afterAll(async () => {
  await worker.stop();
  await boss.stop({ graceful: false, wait: true });
  await fake.close();
});

const post = async (update: object | string, secret: string | null = fake.webhookSecret) => {
  const response = await action({
    request: telegramWebhookRequest(update, secret),
    params: {},
    context: { clientIp: "192.0.2.1" },
  });
  return { status: response.status, body: await response.text() };
};

const chatOf = async (userId: number) =>
  (
    await prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { telegramChatId: true },
    })
  ).telegramChatId;

async function waitForMessages(chatId: number, count: number) {
  const deadline = Date.now() + 15_000;
  while (fake.messagesTo(chatId).length < count && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return fake.messagesTo(chatId);
}

describe("linking Telegram", () => {
  test("the deep link names the bot and a one-time code that is stored only hashed", async () => {
    const lead = await userByEmail("lead@phsar.test");
    const { url, code, expiresAt } = await startTelegramLink(lead.id);
    expect(url).toBe(`https://t.me/${fake.username}?start=${code}`);
    expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(TELEGRAM_LINK_MINUTES * 60_000);
    const stored = await prisma.telegramLinkCode.findMany({
      where: { userId: lead.id },
      select: { codeHash: true },
    });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.codeHash).not.toContain(code);
  });

  test("/start <code> links the chat, replies in Khmer, and a replay changes nothing; then a new order reaches the chat", async () => {
    const lead = await userByEmail("lead@phsar.test");
    const { code } = await startTelegramLink(lead.id);
    const chatId = 424_242;
    fake.openChat(chatId);
    const update = fake.update(++updateId, chatId, `/start ${code}`);
    expect(await post(update)).toEqual({ status: 200, body: "linked" });
    expect(await chatOf(lead.id)).toBe(String(chatId));
    const [confirmation] = await waitForMessages(chatId, 1);
    expect(confirmation!.text).toMatch(/បានភ្ជាប់ Telegram/);

    // Telegram redelivers an update it thinks we missed: same update_id, nothing happens again.
    expect(await post(update)).toEqual({ status: 200, body: "replayed" });
    // The same code in a new update is used up.
    expect(await post(fake.update(++updateId, chatId, `/start ${code}`))).toEqual({
      status: 200,
      body: "expired-code",
    });
    expect(await chatOf(lead.id)).toBe(String(chatId));
    await waitForMessages(chatId, 2);
    expect(fake.messagesTo(chatId).filter((m) => /បានភ្ជាប់/.test(m.text))).toHaveLength(1);

    // A buyer orders from the lead's cooperative: the lead's Telegram gets it, with the order's button.
    const buyer = await userByEmail("buyer@phsar.test");
    const cooperativeId = lead.memberships[0]!.organizationId;
    const window = await buildWindow({ cooperativeId, pledges: [20] });
    const { orderId } = await placeOrder({
      buyerId: buyer.memberships[0]!.organizationId,
      placedById: buyer.id,
      idempotencyKey: randomUUID(),
      lines: [{ windowId: window.id, quantity: 2 }],
    });
    const subOrder = await prisma.subOrder.findFirstOrThrow({
      where: { orderId },
      select: { id: true, cooperative: { select: { slug: true } } },
    });
    const messages = await waitForMessages(chatId, 3);
    const order = messages.find((m) => m.text.startsWith("ការកុម្ម៉ង់ថ្មីពី"));
    expect(order, JSON.stringify(messages)).toBeDefined();
    expect(order!.reply_markup?.inline_keyboard?.[0]?.[0]).toEqual({
      text: "បើកការកុម្ម៉ង់",
      url: expect.stringMatching(
        new RegExp(`/organizations/${subOrder.cooperative.slug}/orders/${subOrder.id}$`),
      ),
    });

    // The buyer links too; the cooperative accepts: the buyer's chat hears it at once (woken after
    // the commit, not left to the sweep), with a button to the buyer's order page.
    const buyerChat = 434_343;
    fake.openChat(buyerChat);
    const buyerCode = (await startTelegramLink(buyer.id)).code;
    expect(await post(fake.update(++updateId, buyerChat, `/start ${buyerCode}`))).toMatchObject({
      body: "linked",
    });
    await transitionSubOrder(subOrder.id, "ACCEPTED", { userId: lead.id, party: "COOPERATIVE" });
    const accepted = (await waitForMessages(buyerChat, 2)).find((m) => m.text.includes("ទទួលយក"));
    expect(accepted, JSON.stringify(fake.messagesTo(buyerChat))).toBeDefined();
    expect(accepted!.reply_markup?.inline_keyboard?.[0]?.[0]?.url).toMatch(
      new RegExp(`/orders/${orderId}$`),
    );
  });

  test("an expired code links nothing", async () => {
    const clerk = await userByEmail("clerk@phsar.test");
    const past = new Date(Date.now() - (TELEGRAM_LINK_MINUTES + 1) * 60_000);
    const { code } = await startTelegramLink(clerk.id, past);
    fake.openChat(515_151);
    expect(await post(fake.update(++updateId, 515_151, `/start ${code}`))).toEqual({
      status: 200,
      body: "expired-code",
    });
    expect(await chatOf(clerk.id)).toBeNull();
    const [reply] = await waitForMessages(515_151, 1);
    expect(reply!.text).toMatch(/ផុតកំណត់/);
  });

  test("a wrong or missing secret is a 403 and changes nothing; a body that is no update is a 400", async () => {
    const clerk = await userByEmail("clerk@phsar.test");
    const { code } = await startTelegramLink(clerk.id);
    const update = fake.update(++updateId, 616_161, `/start ${code}`);
    expect((await post(update, "wrong-secret-wrong-secret")).status).toBe(403);
    expect((await post(update, null)).status).toBe(403);
    expect((await post(update, `${fake.webhookSecret}x`)).status).toBe(403);
    expect(await chatOf(clerk.id)).toBeNull();
    expect(
      await prisma.telegramUpdate.count({ where: { updateId: BigInt(update.update_id) } }),
    ).toBe(0);
    for (const bad of ["not json", "[]", "{}", '{"update_id":"x"}', '{"update_id":-1}', "null"])
      expect((await post(bad)).status).toBe(400);
    // The code still works after all that.
    fake.openChat(616_161);
    expect(await post(update)).toEqual({ status: 200, body: "linked" });
    expect(await chatOf(clerk.id)).toBe("616161");
  });

  test("updates the bot does not act on are a 200 and change nothing", async () => {
    expect(await post(fake.update(++updateId, 717_171, "hello"))).toEqual({
      status: 200,
      body: "ignored",
    });
    expect(await post({ update_id: ++updateId, edited_message: { text: "x" } })).toEqual({
      status: 200,
      body: "ignored",
    });
    // /start with no code, or one nobody made: told where to get one.
    expect(await post(fake.update(++updateId, 717_171, "/start"))).toEqual({
      status: 200,
      body: "unknown-code",
    });
    expect(await post(fake.update(++updateId, 717_171, "/start nosuchcode"))).toEqual({
      status: 200,
      body: "unknown-code",
    });
  });
});
