// First-run setup (issue #17, docs/decisions/017): while the database has no platform admin, each
// start makes one random link that creates the first admin. The token lives only in that start's
// log line; the database keeps its SHA-256, in a table rather than in memory because the server
// start and the built app are separate module graphs (and may be several processes).
import { prisma } from "~/db/db.server";
import { recordAudit } from "~/audit/audit.server";
import { type Identifier } from "./identifier";
import { hashPassword } from "./password.server";
import { createSession } from "./session.server";
import { hashToken, randomToken } from "./tokens.server";
import { DomainError } from "~/validation/errors";

type Db = Pick<typeof prisma, "$transaction">;

/**
 * Called at every start. With no admin: replaces any earlier link (so a restart ends the old one)
 * and returns the new token. With an admin: removes any leftover link and returns null.
 */
export async function openSetup(db: Db = prisma): Promise<string | null> {
  return db.$transaction(async (tx) => {
    await tx.setupToken.deleteMany();
    const admin = await tx.user.findFirst({ where: { isAdmin: true }, select: { id: true } });
    if (admin) return null;
    const token = randomToken();
    await tx.setupToken.create({
      data: { tokenHash: hashToken(token) },
      select: { tokenHash: true },
    });
    return token;
  });
}

/** Whether `token` is the current setup link (and no admin exists yet). */
export async function isSetupOpen(token: string) {
  const [row, admin] = await Promise.all([
    prisma.setupToken.findUnique({
      where: { tokenHash: hashToken(token) },
      select: { tokenHash: true },
    }),
    prisma.user.findFirst({ where: { isAdmin: true }, select: { id: true } }),
  ]);
  return Boolean(row) && !admin;
}

export class SetupError extends DomainError {
  constructor(public readonly key: "setup.gone" | "validation.identifierTaken") {
    super(key);
    this.name = "SetupError";
  }
}

export type FirstAdmin = { name: string; identifier: Identifier; password: string };

/**
 * Creates the first platform admin and uses up the link, in one transaction: deleting the token row
 * is the claim (a second submission waits on the row lock, then finds nothing), so two tabs cannot
 * make two admins. Returns the new admin's session cookie.
 */
export async function completeSetup(
  token: string,
  account: FirstAdmin,
  request: { ipAddress: string; userAgent?: string | null },
) {
  const passwordHash = await hashPassword(account.password);
  const where =
    account.identifier.kind === "email"
      ? { email: account.identifier.email }
      : { phone: account.identifier.phone };
  const userId = await prisma.$transaction(async (tx) => {
    const claimed = await tx.setupToken.deleteMany({ where: { tokenHash: hashToken(token) } });
    if (claimed.count !== 1) throw new SetupError("setup.gone");
    if (await tx.user.findFirst({ where: { isAdmin: true }, select: { id: true } }))
      throw new SetupError("setup.gone");
    if (await tx.user.findUnique({ where, select: { id: true } }))
      throw new SetupError("validation.identifierTaken");
    const user = await tx.user.create({
      data: {
        name: account.name,
        ...where,
        isAdmin: true,
        password: { create: { hash: passwordHash } },
      },
      select: { id: true },
    });
    await recordAudit(
      {
        action: "auth.setup_completed",
        actorUserId: user.id,
        targetType: "User",
        targetId: user.id,
        ipAddress: request.ipAddress,
      },
      tx,
    );
    return user.id;
  });
  return { userId, setCookie: await createSession(userId, request) };
}
