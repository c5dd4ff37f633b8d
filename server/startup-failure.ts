// What the operator reads when `npm start` cannot start: one line saying what is wrong and what to
// do, never a stack trace (a stack is shown only with PHSAR_DEBUG=1).
import { StartupError } from "./errors";

type SystemError = Error & { code?: string; syscall?: string; path?: string; address?: string };

/** The URL without its password, for messages. */
export function redactUrl(url: string) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(not a URL)";
  }
}

function isDiskFull(error: SystemError) {
  return (
    error.code === "ENOSPC" || /No space left on device|could not extend file/i.test(error.message)
  );
}

/**
 * Turns a failure to reach the configured PostgreSQL (node-postgres error codes) into one line.
 * Returns undefined for errors that are not about reaching it.
 */
export function explainDatabaseFailure(error: unknown, databaseUrl: string): string | undefined {
  const e = error as SystemError;
  const where = redactUrl(databaseUrl);
  let host = "?";
  let database = "?";
  try {
    const parsed = new URL(databaseUrl);
    host = `${parsed.hostname}:${parsed.port || 5432}`;
    database = decodeURIComponent(parsed.pathname.slice(1));
  } catch {
    /* reported by the env check */
  }
  switch (e?.code) {
    case "ECONNREFUSED":
      return `Nothing answers at ${host} (DATABASE_URL=${where}): start PostgreSQL there, or fix the host and port in DATABASE_URL.`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `The host in DATABASE_URL (${where}) cannot be found: check its spelling, or use the database's IP address.`;
    case "ETIMEDOUT":
      return `PostgreSQL at ${host} did not answer in time (DATABASE_URL=${where}): check the address and any firewall between.`;
    case "28P01":
    case "28000":
      return `PostgreSQL at ${host} refused the user name or password in DATABASE_URL (${where}): fix them in DATABASE_URL.`;
    case "3D000":
      return `The database "${database}" does not exist on ${host}: create it (CREATE DATABASE ${database} ENCODING 'UTF8' LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8' TEMPLATE template0) or fix the name in DATABASE_URL.`;
    case "53100":
      return `PostgreSQL at ${host} has no disk space left: free space on its disk and start again.`;
    case "57P03":
      return `PostgreSQL at ${host} is still starting up or shutting down: wait a moment and start again.`;
    default:
      return undefined;
  }
}

/** The line printed for any error that stopped the start. */
export function describeStartupFailure(error: unknown): string {
  const e = error as SystemError;
  if (error instanceof StartupError || e?.name === "EnvError") return e.message;
  if (e && isDiskFull(e))
    return `The disk is full${e.path ? ` (writing ${e.path})` : ""}: free some space and start again.`;
  if (e?.code === "EACCES" || e?.code === "EPERM")
    return `Permission denied${e.path ? ` on ${e.path}` : ""}${e.syscall ? ` (${e.syscall})` : ""}: make it readable by the user running Phsar.`;
  if (e?.code === "EADDRINUSE")
    return `The address ${e.address ?? ""} is already in use: stop whatever is using it, or choose another PORT.`;
  const message = e instanceof Error ? e.message : String(error);
  return `${message.split("\n")[0]} (run with PHSAR_DEBUG=1 to see the details)`;
}
