import { beforeAll, describe, expect, test, vi } from "vitest";
import { prisma } from "~/db/db.server";
import {
  createInvitation,
  acceptInvitation,
  changeMemberRole,
  MembershipError,
} from "~/organizations/members.server";
import { DEMO_PASSWORD, seedDemoData } from "../../prisma/seed";
import {
  confirmSignUp,
  isResetTokenUsable,
  requestSignUp,
  requestPasswordReset,
  resetPassword,
  revokeSession,
  signIn,
  signUp,
} from "./accounts.server";
import { signInBackoff } from "./rate-limit.server";
import { getUser } from "./session.server";
import { newestMessageLink, outsideMessageCount } from "../../tests/messages";

const from = { ipAddress: "203.0.113.7", userAgent: "test" };
const email = (address: string) => ({ kind: "email" as const, email: address });

function requestWith(setCookie: string) {
  return new Request("http://localhost/", { headers: { Cookie: setCookie.split(";")[0]! } });
}

beforeAll(async () => {
  await seedDemoData(prisma);
});

describe("sign in", () => {
  test("works with the email or the phone number, and starts a session", async () => {
    const byEmail = await signIn(email("lead@phsar.test"), DEMO_PASSWORD, from);
    const byPhone = await signIn({ kind: "phone", phone: "+85512000001" }, DEMO_PASSWORD, from);
    expect(byEmail.ok && byPhone.ok).toBe(true);
    if (!byEmail.ok) return;
    const user = await getUser(requestWith(byEmail.setCookie));
    expect(user?.email).toBe("lead@phsar.test");
    expect(
      await prisma.auditEvent.count({ where: { action: "auth.sign_in", actorUserId: user!.id } }),
    ).toBeGreaterThan(0);
  });

  test("a wrong password and an unknown account get the same answer", async () => {
    expect(await signIn(email("clerk@phsar.test"), "wrong-password", from)).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await signIn(email("nobody@phsar.test"), "wrong-password", from)).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  test("guesses from one address slow that address down for that account, not the owner elsewhere", async () => {
    const target = email("purchaser@phsar.test");
    for (let i = 0; i < 5; i++)
      expect(await signIn(target, "guess-" + i, from)).toMatchObject({ reason: "invalid" });
    const blocked = await signIn(target, DEMO_PASSWORD, from);
    expect(blocked).toMatchObject({ ok: false, reason: "rate_limited" });
    if (blocked.ok || blocked.reason !== "rate_limited") return;
    expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
    expect(blocked.retryAfterSeconds).toBeLessThanOrEqual(signInBackoff.firstWaitSeconds);
    // Typing the phone number instead of the email does not reset the count.
    expect(
      await signIn({ kind: "phone", phone: "+85512000005" }, DEMO_PASSWORD, from),
    ).toMatchObject({ reason: "rate_limited" });
    // The owner, from their own address, signs in at once: an attacker cannot lock them out.
    expect((await signIn(target, DEMO_PASSWORD, { ...from, ipAddress: "192.0.2.77" })).ok).toBe(
      true,
    );
    // Other accounts from the guessing address are not slowed down either.
    expect((await signIn(email("trader@phsar.test"), DEMO_PASSWORD, from)).ok).toBe(true);
  });

  test("each further guess after the wait doubles the next wait, up to a ceiling", async () => {
    const target = email("monitor@phsar.test");
    const guesser = { ...from, ipAddress: "192.0.2.78" };
    for (let i = 0; i < 5; i++) await signIn(target, "guess", guesser);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const answer = await signIn(target, "guess", guesser);
      expect(answer).toMatchObject({ reason: "rate_limited" });
      if (!answer.ok && answer.reason === "rate_limited") waits.push(answer.retryAfterSeconds);
      // The wait passes (moved back in time rather than slept through).
      await prisma.rateLimit.updateMany({
        where: { key: { startsWith: "sign-in:account-address:" }, resetAt: { gt: new Date() } },
        data: { resetAt: new Date(Date.now() - 1000) },
      });
      expect(await signIn(target, "guess", guesser)).toMatchObject({ reason: "invalid" });
    }
    const first = signInBackoff.firstWaitSeconds;
    expect(waits.slice(0, 4)).toEqual([first, first * 2, first * 4, first * 8]);
    expect(Math.max(...waits)).toBe(signInBackoff.maxWaitSeconds);
    // The right password after a wait clears the count.
    await prisma.rateLimit.updateMany({
      where: { key: { startsWith: "sign-in:account-address:" }, resetAt: { gt: new Date() } },
      data: { resetAt: new Date(Date.now() - 1000) },
    });
    expect((await signIn(target, DEMO_PASSWORD, guesser)).ok).toBe(true);
    expect(await signIn(target, "typo", guesser)).toMatchObject({ reason: "invalid" });
  });

  test("attempts that arrive at the same moment are counted one after another", async () => {
    const target = email("lead2@phsar.test");
    const results = await Promise.all(
      Array.from({ length: 12 }, () => signIn(target, "wrong", from)),
    );
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === "rate_limited")).toHaveLength(7);
  });

  test("two attempts queued behind a held lock on the count: only one gets the last free try", async () => {
    // An unknown account is counted by what was typed.
    const target = email("interleave@phsar.test");
    const guesser = { ...from, ipAddress: "192.0.2.79" };
    const key = `sign-in:account-address:interleave@phsar.test:${guesser.ipAddress}`;
    for (let i = 0; i < 4; i++) await signIn(target, "guess", guesser);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const locked = new Promise<void>((resolve) => (held = resolve));
    const holder = prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "RateLimit" WHERE "key" = ${key} FOR UPDATE`;
        held();
        await gate;
      },
      { timeout: 20_000 },
    );
    await locked;
    const attempts = [signIn(target, "guess", guesser), signIn(target, "guess", guesser)];
    // Both are waiting on the row lock before it is let go.
    await vi.waitFor(
      async () => {
        const [row] = await prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE wait_event_type = 'Lock' AND datname = current_database()`;
        expect(row!.n).toBeGreaterThanOrEqual(2);
      },
      { timeout: 10_000 },
    );
    release();
    await holder;
    const results = await Promise.all(attempts);
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "rate_limited")).toHaveLength(1);
  });

  test("people signing in successfully behind one address (an office) are never locked out; failures from it are", async () => {
    const office = { ipAddress: "198.51.100.20", userAgent: "test" };
    for (let i = 0; i < 40; i++)
      expect(
        (await signIn(email("buyer@phsar.test"), DEMO_PASSWORD, office)).ok,
        `sign-in ${i}`,
      ).toBe(true);
    // Guesses at 30 different (unknown) accounts: each account's own limit is never reached.
    for (let i = 0; i < 30; i++)
      expect(await signIn(email(`guess-${i}@phsar.test`), "guess", office)).toMatchObject({
        reason: "invalid",
      });
    expect(await signIn(email("buyer@phsar.test"), DEMO_PASSWORD, office)).toMatchObject({
      ok: false,
      reason: "rate_limited",
    });
  });
});

describe("sign up", () => {
  test("creates the user, their business and their owner role together", async () => {
    const { setCookie } = await signUp(
      {
        name: "Sok Dara",
        identifier: { kind: "phone", phone: "+85597111222" },
        password: "a-long-password",
        business: { nameKm: "ហាងបាយ ដារ៉ា", nameEn: "Dara Rice Shop", provinceCode: "17" },
      },
      from,
    );
    const user = await getUser(requestWith(setCookie));
    expect(user?.memberships).toEqual([
      expect.objectContaining({
        role: "OWNER",
        organization: expect.objectContaining({ kind: "BUYER", slug: "dara-rice-shop" }),
      }),
    ]);
  });

  test("a taken email leaves nothing half-created", async () => {
    const before = await prisma.organization.count();
    await expect(
      signUp(
        {
          name: "Copy",
          identifier: email("buyer@phsar.test"),
          password: "a-long-password",
          business: { nameKm: "ចម្លង", nameEn: "Copy Shop", provinceCode: "12" },
        },
        from,
      ),
    ).rejects.toMatchObject({ code: "P2002" });
    expect(await prisma.organization.count()).toBe(before);
  });
});

describe("sign up by message", () => {
  async function linkToken(run: () => Promise<unknown>) {
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    await run();
    const logged = await newestMessageLink();
    info.mockRestore();
    return new URL(logged.slice(logged.indexOf("http://"))).searchParams.get("token")!;
  }
  const account = (address: string) => ({
    name: "Chan Sophea",
    identifier: email(address),
    password: "a-long-password",
    business: { nameKm: "ហាងបន្លែ", nameEn: "Veg Stall", provinceCode: "12" },
  });
  const confirmFrom = { ipAddress: "203.0.113.60" };

  test("two confirmations of one link at once make one account (parallel)", async () => {
    const address = `parallel-${Date.now()}@example.com`;
    const token = await linkToken(() =>
      requestSignUp(account(address), { ipAddress: "203.0.113.50" }),
    );
    const results = await Promise.all(
      Array.from({ length: 5 }, () => confirmSignUp(token, confirmFrom)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await prisma.user.count({ where: { email: address } })).toBe(1);
    expect(
      await prisma.organization.count({
        where: { nameEn: "Veg Stall", memberships: { some: { user: { email: address } } } },
      }),
    ).toBe(1);
  });

  function deferred() {
    let resolve!: () => void;
    const promise = new Promise<void>((done) => (resolve = done));
    return { promise, resolve };
  }
  /** Holds a FOR UPDATE lock on the address's first pending link until `release` is called. */
  async function holdFirstLink(address: string) {
    const release = deferred();
    const locked = deferred();
    const holder = prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT "id" FROM "SignUpRequest" WHERE "email" = ${address} ORDER BY "id" LIMIT 1 FOR UPDATE`;
        locked.resolve();
        await release.promise;
      },
      { timeout: 20_000 },
    );
    await locked.promise;
    return async () => {
      release.resolve();
      await holder;
    };
  }
  const waitingOnLock = async (address: string) => {
    // The confirmation's UPDATE is queued behind the held row lock.
    for (let i = 0; i < 100; i++) {
      const [row] = await prisma.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'
          AND query LIKE '%SignUpRequest%'`;
      if (Number(row!.n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no confirmation for ${address} waited on the lock`);
  };

  test("two confirmations of one link queued behind a held lock: one account, the other link-used", async () => {
    const address = `queued-${Date.now()}@example.com`;
    const token = await linkToken(() =>
      requestSignUp(account(address), { ipAddress: "203.0.113.54" }),
    );
    const release = await holdFirstLink(address);
    const both = [confirmSignUp(token, confirmFrom), confirmSignUp(token, confirmFrom)];
    await waitingOnLock(address);
    await release();
    const results = await Promise.all(both);
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: "invalid" });
    expect(await prisma.user.count({ where: { email: address } })).toBe(1);
  });

  test("two links for one address: the one held back finds the address taken by the other", async () => {
    const address = `twice-${Date.now()}@example.com`;
    const first = await linkToken(() =>
      requestSignUp(account(address), { ipAddress: "203.0.113.51" }),
    );
    const second = await linkToken(() =>
      requestSignUp(account(address), { ipAddress: "203.0.113.51" }),
    );
    const release = await holdFirstLink(address);
    const firstDone = confirmSignUp(first, confirmFrom);
    await waitingOnLock(address);
    const secondDone = await confirmSignUp(second, confirmFrom);
    await release();
    expect(secondDone.ok).toBe(true);
    expect(await firstDone).toEqual({ ok: false, reason: "taken" });
    expect(await prisma.user.count({ where: { email: address } })).toBe(1);
  });

  test("an address that got an account after the link was sent: taken, nothing half-made", async () => {
    const address = `late-${Date.now()}@example.com`;
    const token = await linkToken(() =>
      requestSignUp(account(address), { ipAddress: "203.0.113.52" }),
    );
    await signUp({ ...account(address), business: undefined }, from);
    const organizations = await prisma.organization.count();
    expect(await confirmSignUp(token, confirmFrom)).toEqual({ ok: false, reason: "taken" });
    expect(await prisma.organization.count()).toBe(organizations);
    expect(await prisma.user.count({ where: { email: address } })).toBe(1);
  });

  test("an expired or unknown link creates nothing", async () => {
    const address = `expired-${Date.now()}@example.com`;
    const token = await linkToken(() =>
      requestSignUp(account(address), { ipAddress: "203.0.113.53" }),
    );
    await prisma.signUpRequest.updateMany({
      where: { email: address },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await confirmSignUp(token, confirmFrom)).toEqual({ ok: false, reason: "invalid" });
    expect(await confirmSignUp("x".repeat(43), confirmFrom)).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await prisma.user.count({ where: { email: address } })).toBe(0);
  });
});

describe("password reset", () => {
  test("the link works once, ends every session, and the new password works", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    const session = await signIn(email("clerk@phsar.test"), DEMO_PASSWORD, from);
    expect(session.ok).toBe(true);

    await requestPasswordReset(email("clerk@phsar.test"), from);
    const logged = await newestMessageLink();
    const token = new URL(logged.slice(logged.indexOf("http://"))).searchParams.get("token")!;
    info.mockRestore();

    expect(await resetPassword(token, "new-password-123", from)).toBe(true);
    expect(await resetPassword(token, "another-password", from)).toBe(false);
    if (session.ok) expect(await getUser(requestWith(session.setCookie))).toBeNull();
    expect((await signIn(email("clerk@phsar.test"), "new-password-123", from)).ok).toBe(true);
    // Only the hash of the token is stored.
    expect(await prisma.passwordResetToken.count({ where: { tokenHash: token } })).toBe(0);
  });

  test("using one reset link ends the other links of the same account", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    const asker = { ...from, ipAddress: "192.0.2.80" };
    const tokens: string[] = [];
    for (let i = 0; i < 2; i++) {
      await requestPasswordReset(email("admin@phsar.test"), asker);
      const logged = await newestMessageLink();
      tokens.push(new URL(logged.slice(logged.indexOf("http://"))).searchParams.get("token")!);
    }
    info.mockRestore();
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(await isResetTokenUsable(tokens[0]!)).toBe(true);
    expect(await resetPassword(tokens[1]!, "new-password-456", asker)).toBe(true);
    expect(await isResetTokenUsable(tokens[0]!)).toBe(false);
    expect(await resetPassword(tokens[0]!, "old-link-password", asker)).toBe(false);
    expect((await signIn(email("admin@phsar.test"), "new-password-456", asker)).ok).toBe(true);
  });

  test("an unknown account gets the same answer and no link is made", async () => {
    const before = await prisma.passwordResetToken.count();
    const sent = await outsideMessageCount();
    expect(await requestPasswordReset(email("nobody@phsar.test"), from)).toEqual({ ok: true });
    expect(await prisma.passwordResetToken.count()).toBe(before);
    expect(await outsideMessageCount()).toBe(sent);
  });

  test("an expired link does not work", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    await requestPasswordReset(email("trader@phsar.test"), {
      ...from,
      ipAddress: "198.51.100.1",
    });
    const logged = await newestMessageLink();
    info.mockRestore();
    const token = new URL(logged.slice(logged.indexOf("http://"))).searchParams.get("token")!;
    await prisma.passwordResetToken.updateMany({
      data: { expiresAt: new Date(Date.now() - 1000) },
      where: { usedAt: null },
    });
    expect(await resetPassword(token, "new-password-123", from)).toBe(false);
  });
});

describe("sessions", () => {
  test("one user cannot sign out another user's session", async () => {
    const mine = await signIn(email("monitor@phsar.test"), DEMO_PASSWORD, from);
    const theirs = await signIn(email("buyer@phsar.test"), DEMO_PASSWORD, from);
    if (!mine.ok || !theirs.ok) throw new Error("sign-in failed");
    const theirSession = await prisma.session.findFirstOrThrow({
      where: { userId: theirs.userId },
      select: { id: true },
    });
    expect(await revokeSession(mine.userId, theirSession.id, from)).toBe(false);
    expect(await getUser(requestWith(theirs.setCookie))).not.toBeNull();
  });
});

describe("invitations and roles", () => {
  async function cooperativeWithLead() {
    const membership = await prisma.membership.findFirstOrThrow({
      where: { role: "LEAD", user: { email: "lead@phsar.test" } },
      select: { id: true, userId: true, organization: { select: { id: true, kind: true } } },
    });
    return membership;
  }

  test("an invitation link works once", async () => {
    const lead = await cooperativeWithLead();
    const token = await createInvitation(lead.organization, "MEMBER_CLERK", {
      userId: lead.userId,
      ipAddress: from.ipAddress,
    });
    const trader = await prisma.user.findUniqueOrThrow({
      where: { email: "trader@phsar.test" },
      select: { id: true },
    });
    const monitor = await prisma.user.findUniqueOrThrow({
      where: { email: "monitor@phsar.test" },
      select: { id: true },
    });
    const results = await Promise.allSettled([
      acceptInvitation(token, { userId: trader.id, ipAddress: from.ipAddress }),
      acceptInvitation(token, { userId: monitor.id, ipAddress: from.ipAddress }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(
      await prisma.membership.count({
        where: { organizationId: lead.organization.id, role: "MEMBER_CLERK" },
      }),
    ).toBe(2);
  });

  test("a role that does not fit the organization is refused", async () => {
    const lead = await cooperativeWithLead();
    await expect(
      createInvitation(lead.organization, "OWNER", {
        userId: lead.userId,
        ipAddress: from.ipAddress,
      }),
    ).rejects.toThrow(MembershipError);
  });

  test("the last lead cannot be demoted or removed", async () => {
    const lead = await cooperativeWithLead();
    const actor = { userId: lead.userId, ipAddress: from.ipAddress };
    await expect(
      changeMemberRole(lead.organization, lead.id, "MEMBER_CLERK", actor),
    ).rejects.toMatchObject({ key: "validation.lastManager" });
    await expect(changeMemberRole(lead.organization, lead.id, null, actor)).rejects.toMatchObject({
      key: "validation.lastManager",
    });
    expect(
      await prisma.membership.findUnique({ where: { id: lead.id }, select: { role: true } }),
    ).toEqual({ role: "LEAD" });
  });
});
