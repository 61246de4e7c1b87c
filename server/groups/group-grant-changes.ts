import { appendChange } from "@/server/events/change-log";
import type { Prisma } from "@/server/db/generated/client.ts";

/**
 * Joining or leaving a group gains or loses its shares and team folders: one grant event per
 * (share or team folder, person), with
 * the person as grantee, so their open pages refresh "Shared with me" and their change readers
 * re-read which drives they see (server/changes). Access itself needs no event: every check reads
 * membership afresh. Appended last in the membership change's transaction (change-log.ts).
 */
export async function appendGroupGrantChanges(
  tx: Prisma.TransactionClient,
  input: { groupId: string; userIds: string[]; kind: "grant.added" | "grant.removed"; actorId: string | null },
): Promise<void> {
  if (input.userIds.length === 0) return;
  const grants = await tx.grant.findMany({
    where: { groupId: input.groupId, node: { trashedAt: null } },
    select: { nodeId: true, node: { select: { kind: true, ownerId: true, parentId: true, name: true } } },
  });
  const added = input.kind === "grant.added";
  await appendTeamAccessChanges(tx, { teams: { members: { some: { groupId: input.groupId } } }, userIds: input.userIds, kind: input.kind, actorId: input.actorId });
  await appendChange(
    tx,
    grants.flatMap((g) =>
      input.userIds
        .filter((userId) => userId !== g.node.ownerId)
        .map((userId) => ({
          kind: input.kind,
          nodeId: g.nodeId,
          nodeKind: g.node.kind,
          ownerId: g.node.ownerId,
          actorId: input.actorId,
          granteeId: userId,
          ...(added ? { newParentId: g.node.parentId, newName: g.node.name } : { oldParentId: g.node.parentId, oldName: g.node.name }),
        })),
    ),
  );
}

/**
 * Gaining or losing a team folder (as a member, or through a group): one grant event per (team
 * folder, person) on the team folder's top, owned by its TEAM account, so an open change reader
 * re-reads the drives it covers and carries the folder's changes from then on without a reconnect.
 */
export async function appendTeamAccessChanges(
  tx: Prisma.TransactionClient,
  input: { teams: Prisma.TeamFolderWhereInput; userIds: string[]; kind: "grant.added" | "grant.removed"; actorId: string | null },
): Promise<void> {
  if (input.userIds.length === 0) return;
  const teams = await tx.teamFolder.findMany({ where: input.teams, select: { name: true, accountId: true } });
  if (teams.length === 0) return;
  const roots = await tx.node.findMany({ where: { rootOwnerId: { in: teams.map((t) => t.accountId) } }, select: { id: true, ownerId: true } });
  const added = input.kind === "grant.added";
  await appendChange(
    tx,
    roots.flatMap((root) => {
      const name = teams.find((t) => t.accountId === root.ownerId)!.name;
      return input.userIds.map((userId) => ({
        kind: input.kind,
        nodeId: root.id,
        nodeKind: "FOLDER" as const,
        ownerId: root.ownerId,
        actorId: input.actorId,
        granteeId: userId,
        ...(added ? { newName: name } : { oldName: name }),
      }));
    }),
  );
}
