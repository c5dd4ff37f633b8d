// One JSON log line per event (pino). Lines written while a request is handled carry its id,
// through AsyncLocalStorage, whichever module logs them. Nothing secret or personal is written:
// headers are never logged, URLs lose the values of sensitive parameters and path tokens, and
// e-mail addresses and phone numbers in messages are masked.
import { AsyncLocalStorage } from "node:async_hooks";
import { Writable } from "node:stream";
import { format } from "node:util";
import pino, { type DestinationStream, type Logger } from "pino";

export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

const SENSITIVE_PARAM = /token|password|secret|code|key|email|phone|identifier|session|signature/i;
// Path segments that are credentials themselves (invitation, reset and first-run setup links).
const TOKEN_PATHS = /^\/(invitations|reset-password|setup)\/[^/]+/;
const EMAIL = /[^\s@"'<>()]+@[^\s@"'<>()]+\.[a-z]{2,}/gi;
const PHONE = /\+\d[\d\s-]{6,16}\d|\b0\d{8,9}\b/g;

/** The path and query of a URL with secrets and personal data replaced. */
export function safeUrl(url: string) {
  const parsed = new URL(url, "http://x");
  for (const key of [...parsed.searchParams.keys()])
    if (SENSITIVE_PARAM.test(key)) parsed.searchParams.set(key, "[redacted]");
  const pathname = parsed.pathname.replace(TOKEN_PATHS, "/$1/[redacted]");
  return `${pathname}${parsed.search}`.replace(EMAIL, "[email]");
}

export function maskPersonalData(text: string) {
  return text.replace(EMAIL, "[email]").replace(PHONE, "[phone]");
}

export const REDACTED_KEYS = [
  "password",
  "token",
  "cookie",
  "authorization",
  "email",
  "phone",
  "secret",
  "identifier",
];

/** For people at a terminal: `[phsar] message` instead of JSON. */
function textStream(out: NodeJS.WritableStream): DestinationStream {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        const entry = JSON.parse(line) as { msg?: string; level: number; requestId?: string };
        out.write(`[phsar] ${entry.msg ?? ""}\n`);
      }
      done();
    },
  });
}

export function createLogger(
  options: { format?: "json" | "text"; destination?: DestinationStream; level?: string } = {},
): Logger {
  const destination =
    options.destination ?? (options.format === "text" ? textStream(process.stdout) : undefined);
  return pino(
    {
      level: options.level ?? "info",
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const store = requestContext.getStore();
        return store ? { requestId: store.requestId } : {};
      },
      redact: {
        paths: REDACTED_KEYS.flatMap((key) => [key, `*.${key}`]),
        censor: "[redacted]",
      },
      hooks: {
        // Free-text messages may quote what a user typed: mask addresses and numbers there too.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) =>
              typeof arg === "string" ? maskPersonalData(arg) : arg,
            ) as Parameters<typeof method>,
          );
        },
      },
    },
    destination ?? pino.destination({ sync: true }),
  );
}

/** Sends console.* (libraries, Remix's error reporting) through the logger, as JSON lines. */
export function routeConsoleTo(logger: Logger) {
  console.log = (...args: unknown[]) => logger.info(format(...args));
  console.info = (...args: unknown[]) => logger.info(format(...args));
  console.warn = (...args: unknown[]) => logger.warn(format(...args));
  console.error = (...args: unknown[]) => logger.error(format(...args));
}
