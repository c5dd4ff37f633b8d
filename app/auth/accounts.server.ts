import { publicUrl } from "~/http/public-url.server";
import { prisma } from "~/db/db.server";
import { recordAudit } from "~/audit/audit.server";
import { type Identifier } from "./identifier";
import { wakeOutbox } from "~/messages/outbox.server";
import { accountMessages } from "./notifier.server";
import { hashPassword, verifyPassword } from "./password.server";
import {
  clearRateLimit,
  forgiveRateLimitHit,
  hitRateLimit,
  rateLimits,
  signInBackoff,
  takeBackoffAttempt,
} from "./rate-limit.server";
import { createSession } from "./session.server";
import { hashToken, randomToken } from "./tokens.server";

const RESET_TOKEN_MINUTES = 60;

export type RequestInfo = { ipAddress: string; userAgent?: string | null };

function identifierWhere(identifier: Identifier) {
  return identifier.kind === "email" ? { email: identifier.email } : { phone: identifier.phone };
}

function identifierKey(identifier: Identifier) {
  return identifier.kind === "email" ? identifier.email : identifier.phone;
}

export async function findUserIdByIdentifier(identifier: Identifier) {
  const user = await prisma.user.findUnique({
    where: identifierWhere(identifier),
    select: { id: true },
  });
  return user?.id ?? null;
}

export type SignInResult =
  | { ok: true; userId: number; setCookie: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

/**
 * Checks the password and starts a session. Unknown account and wrong password give the same
 * answer (and take the same time). Guesses at one account from one address wait longer and longer
 * (so nobody can lock the owner out from elsewhere); each address has a ceiling across accounts.
 */
export async function signIn(
  identifier: Identifier,
  password: string,
  request: RequestInfo,
): Promise<SignInResult> {
  const user = await prisma.user.findUnique({
    where: identifierWhere(identifier),
    select: { id: true, password: { select: { hash: true } } },
  });
  // Count per account (whichever identifier, email or phone, was typed for it) and address.
  const account = user ? `user-${user.id}` : identifierKey(identifier);
  const accountKey = `sign-in:account-address:${account}:${request.ipAddress}`;
  const addressKey = `sign-in:address:${request.ipAddress}`;
  for (const take of [
    () => takeBackoffAttempt(accountKey, signInBackoff),
    () => hitRateLimit(addressKey, rateLimits.signInPerAddress),
  ]) {
    const limit = await take();
    if (!limit.allowed)
      return { ok: false, reason: "rate_limited", retryAfterSeconds: limit.retryAfterSeconds };
  }

  const valid = await verifyPassword(user?.password?.hash, password);
  if (!user || !valid) {
    await recordAudit({
      action: "auth.sign_in_failed",
      actorUserId: user?.id,
      details: { identifier: identifierKey(identifier) },
      ipAddress: request.ipAddress,
    });
    return { ok: false, reason: "invalid" };
  }
  await clearRateLimit(accountKey);
  await forgiveRateLimitHit(addressKey);
  const setCookie = await createSession(user.id, request);
  await recordAudit({ action: "auth.sign_in", actorUserId: user.id, ipAddress: request.ipAddress });
  return { ok: true, userId: user.id, setCookie };
}

export type NewAccount = {
  name: string;
  identifier: Identifier;
  password: string;
  /** A buyer business to create with the user as its owner (when not joining by invitation). */
  business?: { nameKm: string; nameEn: string; provinceCode: string };
};

/** Creates the user (and their business) in one transaction; nothing is left half-made on failure. */
export async function signUp(account: NewAccount, request: RequestInfo) {
  const passwordHash = await hashPassword(account.password);
  const userId = await prisma.$transaction((tx) =>
    createAccount(tx, account, passwordHash, request),
  );
  const setCookie = await createSession(userId, request);
  return { userId, setCookie };
}

async function createAccount(
  tx: Tx,
  account: Omit<NewAccount, "password">,
  passwordHash: string,
  request: RequestInfo,
) {
  const user = await tx.user.create({
    data: {
      name: account.name,
      ...identifierWhere(account.identifier),
      password: { create: { hash: passwordHash } },
    },
    select: { id: true },
  });
  let organizationId: number | undefined;
  if (account.business) {
    const organization = await tx.organization.create({
      data: {
        kind: "BUYER",
        slug: await uniqueSlug(tx, account.business.nameEn),
        nameKm: account.business.nameKm,
        nameEn: account.business.nameEn,
        provinceCode: account.business.provinceCode,
        memberships: { create: { userId: user.id, role: "OWNER" } },
      },
      select: { id: true },
    });
    organizationId = organization.id;
  }
  await recordAudit(
    { action: "auth.sign_up", actorUserId: user.id, organizationId, ipAddress: request.ipAddress },
    tx,
  );
  return user.id;
}

const SIGN_UP_LINK_HOURS = 24;

export type SignUpRequestResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * The sign-up form's answer is the same whether the identifier is free or already has an account,
 * so the form cannot be used to find out who has one: a free identifier gets a link that finishes
 * the sign-up, a taken one a notice to its owner. The rate limit comes before any lookup, and the
 * password is hashed on both paths, so the time taken does not tell either.
 */
export async function requestSignUp(
  account: NewAccount & { redirectTo?: string | null },
  request: RequestInfo,
): Promise<SignUpRequestResult> {
  const limit = await hitRateLimit(
    `sign-up:address:${request.ipAddress}`,
    rateLimits.signUpPerAddress,
  );
  if (!limit.allowed) return { ok: false, retryAfterSeconds: limit.retryAfterSeconds };
  const passwordHash = await hashPassword(account.password);
  const owner = await prisma.user.findUnique({
    where: identifierWhere(account.identifier),
    select: { id: true, name: true, email: true, phone: true },
  });
  if (owner) {
    const ids = await prisma.$transaction((tx) =>
      accountMessages.signUpNotice(tx, randomToken(), owner, {
        signIn: publicUrl("/login"),
        reset: publicUrl("/forgot-password"),
      }),
    );
    await wakeOutbox(ids);
    return { ok: true };
  }
  const token = randomToken();
  const ids = await prisma.$transaction(async (tx) => {
    const signUp = await tx.signUpRequest.create({
      data: {
        tokenHash: hashToken(token),
        ...identifierWhere(account.identifier),
        name: account.name,
        passwordHash,
        business: account.business,
        redirectTo: account.redirectTo ?? null,
        expiresAt: new Date(Date.now() + SIGN_UP_LINK_HOURS * 3600 * 1000),
      },
      select: { id: true },
    });
    return accountMessages.signUpConfirmation(
      tx,
      signUp.id,
      {
        name: account.name,
        email: account.identifier.kind === "email" ? account.identifier.email : null,
        phone: account.identifier.kind === "phone" ? account.identifier.phone : null,
      },
      publicUrl(`/signup/confirm?${new URLSearchParams({ token })}`),
    );
  });
  await wakeOutbox(ids);
  return { ok: true };
}

export async function isSignUpTokenUsable(token: string) {
  const found = await prisma.signUpRequest.findFirst({
    where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true },
  });
  return Boolean(found);
}

export type ConfirmSignUpResult =
  | { ok: true; userId: number; setCookie: string; redirectTo: string | null }
  | { ok: false; reason: "invalid" | "taken" };

/**
 * Finishes a sign-up from its link, once: the conditional update claims the link, and the user's
 * unique email/phone decides when the identifier got an account in the meantime, by another link
 * or otherwise (then nothing is created). Other links for the address therefore end up "taken".
 */
export async function confirmSignUp(
  token: string,
  request: RequestInfo,
): Promise<ConfirmSignUpResult> {
  let created: { userId: number; redirectTo: string | null } | null;
  try {
    created = await prisma.$transaction(async (tx) => {
      const row = await tx.signUpRequest.findUnique({ where: { tokenHash: hashToken(token) } });
      if (!row) return null;
      const claimed = await tx.signUpRequest.updateMany({
        where: { id: row.id, usedAt: null, expiresAt: { gt: new Date() } },
        data: { usedAt: new Date() },
      });
      if (claimed.count !== 1) return null;
      const identifier: Identifier = row.email
        ? { kind: "email", email: row.email }
        : { kind: "phone", phone: row.phone! };
      const business = row.business as NewAccount["business"] | null;
      const userId = await createAccount(
        tx,
        { name: row.name, identifier, business: business ?? undefined },
        row.passwordHash,
        request,
      );
      return { userId, redirectTo: row.redirectTo };
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return { ok: false, reason: "taken" };
    throw error;
  }
  if (!created) return { ok: false, reason: "invalid" };
  const setCookie = await createSession(created.userId, request);
  return { ok: true, ...created, setCookie };
}

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

export function slugify(name: string) {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return base || "organization";
}

async function uniqueSlug(tx: Tx, name: string) {
  const base = slugify(name);
  const taken = await tx.organization.findMany({
    where: { slug: { startsWith: base } },
    select: { slug: true },
  });
  const used = new Set(taken.map((t) => t.slug));
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * Sends a reset link when the identifier belongs to an account; says nothing either way, so the
 * form cannot be used to find out who has an account.
 */
export async function requestPasswordReset(identifier: Identifier, request: RequestInfo) {
  const limit = await hitRateLimit(
    `password-reset:address:${request.ipAddress}`,
    rateLimits.passwordResetPerAddress,
  );
  if (!limit.allowed) return { ok: false as const, retryAfterSeconds: limit.retryAfterSeconds };

  const user = await prisma.user.findUnique({
    where: identifierWhere(identifier),
    select: { id: true, name: true, email: true, phone: true },
  });
  if (user) {
    const token = randomToken();
    const ids = await prisma.$transaction(async (tx) => {
      const reset = await tx.passwordResetToken.create({
        data: {
          userId: user.id,
          tokenHash: hashToken(token),
          expiresAt: new Date(Date.now() + RESET_TOKEN_MINUTES * 60 * 1000),
        },
        select: { id: true },
      });
      return accountMessages.passwordReset(
        tx,
        reset.id,
        user,
        publicUrl(`/reset-password?${new URLSearchParams({ token })}`),
      );
    });
    await wakeOutbox(ids);
    await recordAudit({
      action: "auth.password_reset_requested",
      actorUserId: user.id,
      ipAddress: request.ipAddress,
    });
  }
  return { ok: true as const };
}

export async function isResetTokenUsable(token: string) {
  const found = await prisma.passwordResetToken.findFirst({
    where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true },
  });
  return Boolean(found);
}

/**
 * Uses a reset token once: the conditional update means two submissions of the same link cannot
 * both succeed. Every existing session is ended, since someone else may have had the password.
 */
export async function resetPassword(token: string, password: string, request: RequestInfo) {
  const passwordHash = await hashPassword(password);
  return prisma.$transaction(async (tx) => {
    const row = await tx.passwordResetToken.findUnique({
      where: { tokenHash: hashToken(token) },
      select: { id: true, userId: true },
    });
    if (!row) return false;
    const claimed = await tx.passwordResetToken.updateMany({
      where: { id: row.id, usedAt: null, expiresAt: { gt: new Date() } },
      data: { usedAt: new Date() },
    });
    if (claimed.count !== 1) return false;
    // The other links sent to this account (perhaps to someone who had the mailbox) stop working.
    await tx.passwordResetToken.updateMany({
      where: { userId: row.userId, usedAt: null },
      data: { usedAt: new Date() },
    });
    await tx.password.upsert({
      where: { userId: row.userId },
      create: { userId: row.userId, hash: passwordHash },
      update: { hash: passwordHash },
      select: { userId: true },
    });
    await tx.session.deleteMany({ where: { userId: row.userId } });
    await recordAudit(
      { action: "auth.password_reset", actorUserId: row.userId, ipAddress: request.ipAddress },
      tx,
    );
    return true;
  });
}

export async function listSessions(userId: number) {
  return prisma.session.findMany({
    where: { userId, expiresAt: { gt: new Date() } },
    select: { id: true, createdAt: true, lastSeenAt: true, userAgent: true, ipAddress: true },
    orderBy: { lastSeenAt: "desc" },
  });
}

/** Ends one of the user's own sessions; another user's session id changes nothing. */
export async function revokeSession(userId: number, sessionId: string, request: RequestInfo) {
  const { count } = await prisma.session.deleteMany({ where: { id: sessionId, userId } });
  if (count) {
    await recordAudit({
      action: "auth.session_revoked",
      actorUserId: userId,
      ipAddress: request.ipAddress,
    });
  }
  return count === 1;
}

export async function revokeAllSessions(userId: number, request: RequestInfo) {
  await prisma.session.deleteMany({ where: { userId } });
  await recordAudit({
    action: "auth.sign_out_everywhere",
    actorUserId: userId,
    ipAddress: request.ipAddress,
  });
}
