import { createCookie, redirect } from "@remix-run/node";
import { prisma } from "~/db/db.server";
import { cookiesAreSecure, env } from "~/env.server";
import { type Permission, can } from "./permissions";
import { hashToken, randomToken } from "./tokens.server";

const SESSION_DAYS = 30;
// Refresh "last seen" at most this often, so reading a page does not write to the database.
const LAST_SEEN_RESOLUTION_MS = 15 * 60 * 1000;

export const sessionCookie = createCookie("__session", {
  path: "/",
  httpOnly: true,
  sameSite: "lax",
  secure: cookiesAreSecure(env),
  maxAge: SESSION_DAYS * 24 * 60 * 60,
});

const userSelect = {
  id: true,
  name: true,
  email: true,
  phone: true,
  isAdmin: true,
  memberships: {
    select: {
      organizationId: true,
      role: true,
      organization: { select: { slug: true, kind: true, nameKm: true, nameEn: true } },
    },
    orderBy: { id: "asc" },
  },
} as const;

export type SessionUser = NonNullable<Awaited<ReturnType<typeof findSessionUser>>>["user"];

async function findSessionUser(token: string) {
  return prisma.session.findFirst({
    where: { id: hashToken(token), expiresAt: { gt: new Date() } },
    select: { id: true, lastSeenAt: true, user: { select: userSelect } },
  });
}

export async function readSessionToken(request: Request): Promise<string | null> {
  const value = await sessionCookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 && value.length < 200 ? value : null;
}

/** The signed-in user, or null. */
export async function getUser(request: Request) {
  const token = await readSessionToken(request);
  if (!token) return null;
  const session = await findSessionUser(token);
  if (!session) return null;
  if (Date.now() - session.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await prisma.session.update({
      where: { id: session.id },
      data: { lastSeenAt: new Date() },
      select: { id: true },
    });
  }
  return session.user;
}

export function loginPath(request: Request) {
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  return `/login?${new URLSearchParams({ redirectTo: back })}`;
}

/** The signed-in user; anyone else is sent to the sign-in page and brought back afterwards. */
export async function requireUser(request: Request) {
  const user = await getUser(request);
  if (!user) throw redirect(loginPath(request));
  return user;
}

export function forbidden(): never {
  throw new Response("Forbidden", {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

/** The signed-in user if they hold `permission` (for `organizationId` when it is an "own" permission), else 403. */
export async function requirePermission(
  request: Request,
  permission: Permission,
  organizationId?: number,
) {
  const user = await requireUser(request);
  if (!can(user, permission, organizationId)) forbidden();
  return user;
}

export async function requireAdmin(request: Request) {
  const user = await requireUser(request);
  if (!user.isAdmin) forbidden();
  return user;
}

/** Starts a session and returns the Set-Cookie header value for it. */
export async function createSession(
  userId: number,
  { userAgent, ipAddress }: { userAgent?: string | null; ipAddress?: string } = {},
) {
  const token = randomToken();
  await prisma.session.create({
    data: {
      id: hashToken(token),
      userId,
      expiresAt: new Date(Date.now() + SESSION_DAYS * 24 * 60 * 60 * 1000),
      userAgent: userAgent?.slice(0, 300),
      ipAddress,
    },
    select: { id: true },
  });
  return sessionCookie.serialize(token);
}

export async function destroySession(request: Request) {
  const token = await readSessionToken(request);
  if (token) await prisma.session.deleteMany({ where: { id: hashToken(token) } });
  return sessionCookie.serialize("", { maxAge: 0 });
}

export async function currentSessionId(request: Request) {
  const token = await readSessionToken(request);
  return token ? hashToken(token) : null;
}

/** Where each kind of user starts: leads at their cooperative, buyers at the market, monitors at the dashboard. */
export function homePath(user: Pick<SessionUser, "isAdmin" | "memberships">) {
  const first = user.memberships[0];
  if (!first) return user.isAdmin ? "/admin/audit" : "/";
  switch (first.organization.kind) {
    case "COOPERATIVE":
      return `/organizations/${first.organization.slug}`;
    case "UNION":
      return "/dashboard";
    case "BUYER":
      return "/";
  }
}

export async function homePathFor(userId: number) {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: userSelect });
  return homePath(user);
}
