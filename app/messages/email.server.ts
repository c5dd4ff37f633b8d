// Email over SMTP with nodemailer: HTML and plain text, a Khmer-capable font stack.
import nodemailer from "nodemailer";
import { type Transport } from "./delivery.server";

export function smtpTransport(
  smtpUrl: string,
  from: string,
  { timeoutMs = 10_000 } = {},
): Transport & {
  close(): void;
} {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  const mailer = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    // A provider that stops answering ends the attempt; the queue retries it later.
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(message) {
      if (!message.address) throw new Error("email without an address");
      await mailer.sendMail({
        from,
        to: message.address,
        subject: message.subject,
        text: message.text,
        html: message.html ?? undefined,
      });
    },
    close: () => mailer.close(),
  };
}

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

// Khmer script needs a font that has it; mail clients pick the first one present.
const fontStack = `'Noto Sans Khmer', 'Khmer OS', 'Khmer OS System', 'Leelawadee UI', sans-serif`;

/** The HTML of an email: paragraphs of text and buttons for its links, everything escaped. */
export function emailHtml(
  lang: string,
  paragraphs: string[],
  links: { label: string; url: string }[],
) {
  const body = paragraphs.map((p) => `<p>${escape(p)}</p>`).join("");
  const buttons = links
    .map(
      (l) =>
        `<p><a href="${escape(l.url)}" style="display:inline-block;padding:8px 16px;background:#166534;color:#ffffff;border-radius:6px;text-decoration:none">${escape(l.label)}</a></p>`,
    )
    .join("");
  return `<!doctype html><html lang="${escape(lang)}"><body style="font-family:${fontStack};line-height:1.6">${body}${buttons}</body></html>`;
}
