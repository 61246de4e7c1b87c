import { appendChange } from "@/server/events/change-log";
import type { Prisma } from "@/server/db/generated/client.ts";

/**
 * Joining or leaving a group gains or loses its shares: one grant event per (share, person), with
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
