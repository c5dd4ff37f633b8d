// How Phsar reaches people outside the app (password resets, sign-up links; order news later).
// The default writes to the server log, for operators to pass on by hand until SMS or email is set
// up; with NOTIFIER_DIR set, each message is also written there as one JSON file (a spool that a
// sending script, or the end-to-end tests, can pick up).
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { env } from "~/env.server";

type Recipient = { name: string; email: string | null; phone: string | null };

export type Notifier = {
  sendPasswordReset(to: Recipient, link: string): Promise<void>;
  /** The link that finishes a sign-up, sent to the email or phone that was typed. */
  sendSignUpConfirmation(to: Recipient, link: string): Promise<void>;
  /** Someone tried to sign up with the identifier of an existing account. */
  sendSignUpNotice(to: Recipient, links: { signIn: string; reset: string }): Promise<void>;
};

export type SpooledMessage = {
  kind: "password-reset" | "sign-up-confirmation" | "sign-up-notice";
  to: Recipient;
  links: Record<string, string>;
  at: string;
};

async function spool(message: Omit<SpooledMessage, "at">) {
  const dir = env.NOTIFIER_DIR;
  if (!dir) return;
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${Date.now()}-${randomUUID()}.json`);
  // Written whole, then renamed: a reader never sees half a message.
  await fs.writeFile(`${file}.tmp`, JSON.stringify({ ...message, at: new Date().toISOString() }));
  await fs.rename(`${file}.tmp`, file);
}

export const logNotifier: Notifier = {
  async sendPasswordReset(to, link) {
    console.info(`[notifier] password reset for ${to.email ?? to.phone}: ${link}`);
    await spool({ kind: "password-reset", to, links: { reset: link } });
  },
  async sendSignUpConfirmation(to, link) {
    console.info(`[notifier] sign-up confirmation for ${to.email ?? to.phone}: ${link}`);
    await spool({ kind: "sign-up-confirmation", to, links: { confirm: link } });
  },
  async sendSignUpNotice(to, links) {
    console.info(
      `[notifier] sign-up attempt with the existing account ${to.email ?? to.phone}; sign in: ${links.signIn}, reset: ${links.reset}`,
    );
    await spool({ kind: "sign-up-notice", to, links });
  },
};

export const notifier: Notifier = logNotifier;
