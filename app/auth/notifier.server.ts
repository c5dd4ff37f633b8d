// The messages of accounts (password resets, sign-up links), written to the outbox
// (app/messages/outbox.server.ts) in the caller's transaction: email for an email address, SMS for
// a phone. Links are never written to the server log.
import { type Db, enqueueMessages } from "~/messages/outbox.server";
import { emailHtml } from "~/messages/email.server";
import { i18nServer } from "~/i18n/i18next.server";

type Recipient = { id?: number; name: string; email: string | null; phone: string | null };

type Kind = "password-reset" | "sign-up-confirmation" | "sign-up-notice" | "invitation";

/** Words put into a message's text, each given in Khmer and English. */
type Words = Record<string, { km: string; en: string }>;

async function accountMessage(
  tx: Db,
  eventKey: string,
  kind: Kind,
  to: Recipient,
  links: Record<string, string>,
  words: Words = {},
) {
  const address = to.email ?? to.phone;
  if (!address) return [];
  // Khmer by default; English beside it, for readers whose phone does not show Khmer script.
  const [km, en] = await Promise.all([i18nServer.getFixedT("km"), i18nServer.getFixedT("en")]);
  const inLanguage = (lng: "km" | "en") =>
    Object.fromEntries(Object.entries(words).map(([key, word]) => [key, word[lng]]));
  const subject = `${km(`messages.${kind}.subject`)} · ${en(`messages.${kind}.subject`)}`;
  const lines = [
    km(`messages.${kind}.body`, { name: to.name, ...inLanguage("km") }),
    en(`messages.${kind}.body`, { name: to.name, ...inLanguage("en") }),
  ];
  const buttons = Object.entries(links).map(([name, url]) => ({
    label: `${km(`messages.links.${name}`)} · ${en(`messages.links.${name}`)}`,
    url,
  }));
  const text = [...lines, ...buttons.map((b) => `${b.label}: ${b.url}`)].join("\n\n");
  return enqueueMessages(tx, [
    {
      eventKey,
      channel: to.email ? "EMAIL" : "SMS",
      userId: to.id ?? null,
      address,
      kind,
      subject,
      text,
      html: to.email ? emailHtml("km", lines, buttons) : undefined,
      links,
    },
  ]);
}

export const accountMessages = {
  passwordReset: (tx: Db, tokenId: number, to: Recipient, link: string) =>
    accountMessage(tx, `password-reset:${tokenId}`, "password-reset", to, { reset: link }),
  /** The link that finishes a sign-up, sent to the email or phone that was typed. */
  signUpConfirmation: (tx: Db, requestId: number, to: Recipient, link: string) =>
    accountMessage(tx, `sign-up:${requestId}`, "sign-up-confirmation", to, { confirm: link }),
  /** Someone tried to sign up with the identifier of an existing account. */
  signUpNotice: (
    tx: Db,
    attemptKey: string,
    to: Recipient,
    links: { signIn: string; reset: string },
  ) =>
    // jsonb keeps keys shortest first, then in order: "login" comes before "reset", as it should.
    accountMessage(tx, `sign-up-notice:${attemptKey}`, "sign-up-notice", to, {
      login: links.signIn,
      reset: links.reset,
    }),
  /** An invitation link, sent to the email or phone the inviter named. */
  invitation: async (
    tx: Db,
    invitationId: number,
    to: { email: string | null; phone: string | null },
    link: string,
    what: { organization: { km: string; en: string }; role: string },
  ) => {
    const [km, en] = await Promise.all([i18nServer.getFixedT("km"), i18nServer.getFixedT("en")]);
    const role = { km: km(`roles.${what.role}`), en: en(`roles.${what.role}`) };
    return accountMessage(
      tx,
      `invitation:${invitationId}`,
      "invitation",
      { name: "", ...to },
      { accept: link },
      { organization: what.organization, role },
    );
  },
};
