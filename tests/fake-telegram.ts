// A small stand-in for Telegram's Bot API on 127.0.0.1, for tests only: grammy's real `Api` talks
// to it over HTTP (its `apiRoot` option). It speaks the Bot API's shape — POST or GET
// /bot<token>/<method>, JSON or form bodies, answers {ok:true,result} or
// {ok:false,error_code,description,parameters?} — checks the token and what sendMessage is given,
// records every message, and can be told to answer the next sends with a 429 (retry_after), a 403
// (bot blocked), a 400 (chat not found) or a 500. Telegram is not reachable from the test machines;
// what this fake accepts is what docs/decisions/036-telegram.md says was verified.
import { randomBytes } from "node:crypto";
import http from "node:http";
import { type AddressInfo } from "node:net";

type Json = Record<string, unknown>;

export type SentMessage = {
  message_id: number;
  chat_id: string;
  text: string;
  parse_mode?: string;
  reply_markup?: { inline_keyboard?: { text: string; url?: string }[][] };
};

export type TelegramFailure =
  | { kind: "flood"; retryAfter: number }
  | { kind: "blocked" }
  | { kind: "chat_not_found" }
  | { kind: "server_error" };

const failureAnswers: Record<TelegramFailure["kind"], (f: TelegramFailure) => [number, Json]> = {
  flood: (f) => {
    const retryAfter = (f as { retryAfter: number }).retryAfter;
    return [
      429,
      {
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfter}`,
        parameters: { retry_after: retryAfter },
      },
    ];
  },
  blocked: () => [403, { error_code: 403, description: "Forbidden: bot was blocked by the user" }],
  chat_not_found: () => [400, { error_code: 400, description: "Bad Request: chat not found" }],
  server_error: () => [500, { error_code: 500, description: "Internal Server Error" }],
};

// Telegram's limits on a text message and an inline button's URL.
const MAX_TEXT = 4096;

export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;

export async function startFakeTelegram({ username = "phsar_test_bot" } = {}) {
  const botId = 7_000_000_000 + Math.floor(Math.random() * 1_000_000);
  const token = `${botId}:${randomBytes(27).toString("base64url").slice(0, 35)}`;
  const messages: SentMessage[] = [];
  const calls: { method: string; params: Json }[] = [];
  const failures: TelegramFailure[] = [];
  /** Chats that exist (a user pressed Start); sends to any other chat are "chat not found". */
  const chats = new Set<string>();
  /** Chats whose person blocked the bot. */
  const blocked = new Set<string>();
  let webhook: { url: string; secret_token?: string } | null = null;
  let nextMessageId = 1;

  function answer(method: string, params: Json): [number, Json] {
    if (method === "getme")
      return [
        200,
        {
          ok: true,
          result: {
            id: botId,
            is_bot: true,
            first_name: "Phsar",
            username,
            can_join_groups: false,
            can_read_all_group_messages: false,
            supports_inline_queries: false,
          },
        },
      ];
    if (method === "setwebhook") {
      const url = params.url;
      if (typeof url !== "string") return bad("Bad Request: bad webhook: URL must be given");
      if (url !== "" && !url.startsWith("https://"))
        return bad("Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
      const secret = params.secret_token;
      if (secret !== undefined && (typeof secret !== "string" || !/^[\w-]{1,256}$/.test(secret)))
        return bad("Bad Request: secret token contains unallowed characters");
      webhook = url ? { url, secret_token: secret as string | undefined } : null;
      return [200, { ok: true, result: true, description: "Webhook was set" }];
    }
    if (method === "deletewebhook") {
      webhook = null;
      return [200, { ok: true, result: true }];
    }
    if (method === "getwebhookinfo")
      return [200, { ok: true, result: { url: webhook?.url ?? "", pending_update_count: 0 } }];
    if (method === "getupdates") {
      // Telegram refuses long polling while a webhook is set.
      if (webhook)
        return [
          409,
          {
            ok: false,
            error_code: 409,
            description:
              "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          },
        ];
      return [200, { ok: true, result: [] }];
    }
    if (method === "sendmessage") {
      const chatId = params.chat_id;
      if (chatId === undefined || chatId === "") return bad("Bad Request: chat_id is empty");
      const text = params.text;
      if (typeof text !== "string" || text.trim() === "")
        return bad("Bad Request: message text is empty");
      if ([...text].length > MAX_TEXT) return bad("Bad Request: message is too long");
      let markup = params.reply_markup;
      if (typeof markup === "string") {
        try {
          markup = JSON.parse(markup) as Json;
        } catch {
          return bad("Bad Request: can't parse reply keyboard markup JSON object");
        }
      }
      if (markup !== undefined) {
        const keyboard = (markup as Json).inline_keyboard;
        if (!Array.isArray(keyboard) || !keyboard.every(Array.isArray))
          return bad(
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays',
          );
        for (const button of keyboard.flat() as Json[]) {
          if (typeof button.text !== "string" || button.text === "")
            return bad("Bad Request: text buttons are unallowed in the inline keyboard");
          if (typeof button.url === "string" && !/^(https?|tg):\/\/\S+$/.test(button.url))
            return bad(`Bad Request: inline keyboard button URL '${button.url}' is invalid`);
        }
      }
      const failure = failures.shift();
      if (failure) {
        const [status, body] = failureAnswers[failure.kind](failure);
        return [status, { ok: false, ...body }];
      }
      if (blocked.has(String(chatId)))
        return [403, { ok: false, ...failureAnswers.blocked({ kind: "blocked" })[1] }];
      if (!chats.has(String(chatId))) return bad("Bad Request: chat not found");
      const message: SentMessage = {
        message_id: nextMessageId++,
        chat_id: String(chatId),
        text,
        ...(typeof params.parse_mode === "string" ? { parse_mode: params.parse_mode } : {}),
        ...(markup !== undefined ? { reply_markup: markup as SentMessage["reply_markup"] } : {}),
      };
      messages.push(message);
      return [
        200,
        {
          ok: true,
          result: {
            message_id: message.message_id,
            from: { id: botId, is_bot: true, first_name: "Phsar", username },
            chat: { id: Number(chatId), type: "private" },
            date: Math.floor(Date.now() / 1000),
            text,
            ...(markup !== undefined ? { reply_markup: markup } : {}),
          },
        },
      ];
    }
    return [404, { ok: false, error_code: 404, description: "Not Found: method not found" }];
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const match = url.pathname.match(/^\/bot([^/]+)\/(\w+)$/);
      const send = (status: number, body: Json) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (!match) return send(404, { ok: false, error_code: 404, description: "Not Found" });
      if (match[1] !== token)
        return send(401, { ok: false, error_code: 401, description: "Unauthorized" });
      const raw = Buffer.concat(chunks).toString("utf8");
      const type = req.headers["content-type"] ?? "";
      let params: Json = Object.fromEntries(url.searchParams);
      try {
        if (raw && type.includes("application/json"))
          params = { ...params, ...(JSON.parse(raw) as Json) };
        else if (raw && type.includes("application/x-www-form-urlencoded"))
          params = { ...params, ...Object.fromEntries(new URLSearchParams(raw)) };
        else if (raw)
          return send(400, {
            ok: false,
            error_code: 400,
            description: "Bad Request: unsupported body",
          });
      } catch {
        return send(400, {
          ok: false,
          error_code: 400,
          description: "Bad Request: can't parse JSON",
        });
      }
      // Method names are case-insensitive in the Bot API.
      const method = match[2]!.toLowerCase();
      calls.push({ method, params });
      const [status, body] = answer(method, params);
      send(status, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    token,
    username,
    apiRoot: `http://127.0.0.1:${port}`,
    messages,
    calls,
    get webhook() {
      return webhook;
    },
    /** A person opened the bot and pressed Start: the bot may now write to this chat. */
    openChat(chatId: string | number) {
      chats.add(String(chatId));
    },
    /** The person blocked the bot: sends answer 403 from now on. */
    blockChat(chatId: string | number) {
      blocked.add(String(chatId));
    },
    /** The next sendMessage calls fail this way, in order. */
    failNext(...next: TelegramFailure[]) {
      failures.push(...next);
    },
    messagesTo(chatId: string | number) {
      return messages.filter((m) => m.chat_id === String(chatId));
    },
    /** An update as Telegram posts it to a webhook: a private text message from this chat. */
    update(updateId: number, chatId: number, text: string) {
      return {
        update_id: updateId,
        message: {
          message_id: nextMessageId++,
          from: { id: chatId, is_bot: false, first_name: "Sokha", language_code: "km" },
          chat: { id: chatId, type: "private", first_name: "Sokha" },
          date: Math.floor(Date.now() / 1000),
          text,
          ...(text.startsWith("/")
            ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] }
            : {}),
        },
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function bad(description: string): [number, Json] {
  return [400, { ok: false, error_code: 400, description }];
}

/**
 * Starts the fake and points the app's Telegram settings at it. Call it inside `vi.hoisted`, before
 * anything imports the app (the environment is read once, at import).
 */
export async function startFakeTelegramForApp(name: string) {
  const server = await startFakeTelegram();
  process.env.TELEGRAM_BOT_TOKEN = server.token;
  process.env.TELEGRAM_API_BASE = server.apiRoot;
  process.env.TELEGRAM_WEBHOOK_SECRET = `secret_${name}_${randomBytes(8).toString("hex")}`;
  return Object.assign(server, { webhookSecret: process.env.TELEGRAM_WEBHOOK_SECRET });
}

/** An update posted to our webhook route the way Telegram posts it. */
export function telegramWebhookRequest(update: object | string, secret: string | null) {
  return new Request("http://localhost/telegram/webhook", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(secret === null ? {} : { "X-Telegram-Bot-Api-Secret-Token": secret }),
    },
    body: typeof update === "string" ? update : JSON.stringify(update),
  });
}
