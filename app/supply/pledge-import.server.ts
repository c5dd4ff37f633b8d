import { type CommandActor } from "~/auth/permissions";
import { prisma } from "~/db/db.server";
import { setPledges, SupplyError } from "./listings.server";
import { type MissingMemberRule, parsePledgeCsv, pledgesToSave } from "./pledge-csv";
import { listMembersForPledges } from "./queries.server";

/**
 * Imports a pledge sheet for one delivery date of the cooperative: every line must be good or
 * nothing is saved (the problems come back by line). Quantity 0 removes a member's pledge; members
 * left out of the sheet keep theirs, or lose them when `missing` is "remove".
 */
export async function importPledgeCsv(
  windowId: number,
  cooperativeId: number,
  text: string,
  missing: MissingMemberRule,
  actor: CommandActor,
) {
  const members = await listMembersForPledges(cooperativeId);
  const { pledges, errors } = parsePledgeCsv(text, members);
  if (errors.length) return { errors };
  if (!pledges.length) throw new SupplyError("supply.csvEmpty");
  const pledgedNow =
    missing === "remove"
      ? await prisma.pledge.findMany({
          where: { windowId, window: { listing: { cooperativeId } } },
          select: { farmerId: true },
        })
      : [];
  await setPledges(
    windowId,
    cooperativeId,
    pledgesToSave(
      pledges,
      pledgedNow.map((p) => p.farmerId),
      missing,
    ),
    actor,
  );
  return { errors: [] };
}
