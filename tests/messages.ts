// What the outbox holds for tests that follow a link sent to a person.
import { prisma } from "~/db/db.server";

/** The first link of the newest message sent outside the app ("" when there is none). */
export async function newestMessageLink() {
  const row = await prisma.outboxMessage.findFirst({
    where: { channel: { not: "IN_APP" } },
    select: { links: true },
    orderBy: { id: "desc" },
  });
  return row ? (Object.values(row.links as Record<string, string>)[0] ?? "") : "";
}

export async function outsideMessageCount() {
  return prisma.outboxMessage.count({ where: { channel: { not: "IN_APP" } } });
}
