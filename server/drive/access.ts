import { getPrisma } from "@/server/db/client";
import { AppError, notFound } from "@/server/errors/app-error";
import { grantReachesSql } from "@/server/drive/grant-scope";
import type { Actor } from "@/server/auth/actor";
import type { Node } from "@/server/db/generated/client.ts";

export type Need = "read" | "write";

/**
 * The single access rule for a node: its owner, or a grant (to the caller or to a group they are in)
 * on it or on an ancestor (EDITOR for
 * writes). Anything else, including a node that exists but is not the caller's, is NOT_FOUND, so a
 * foreign id answers exactly like a missing one. Trashed nodes are reachable only by their owner.
 */
export async function requireNodeAccess(input: { actor: Actor; nodeId: string; need: Need; allowTrashed?: boolean }): Promise<Node> {
  const prisma = await getPrisma();
  const node = await prisma.node.findUnique({ where: { id: input.nodeId } });
  if (!node) throw notFound();
  await requireAccessTo(input.actor, node, input.need, input.allowTrashed);
  return node;
}

/** The same rule for a node the caller has already read (a hot path that reads it in one join). */
export async function requireAccessTo(actor: Actor, node: Pick<Node, "id" | "ownerId" | "trashedAt">, need: Need, allowTrashed = false): Promise<void> {
  if (node.trashedAt && !allowTrashed) throw notFound();
  if (node.ownerId === actor.userId) return;
  if (node.trashedAt) throw notFound();
  const role = await grantRoleOn(actor.userId, node.id);
  if (!role || (need === "write" && role !== "EDITOR")) throw notFound();
}

/**
 * Renaming, moving or deleting a node changes its parent folder, so a grantee needs edit rights on
 * the parent, not only on the node: the folder someone shared with you (the top of the grant) is
 * theirs to rename, move or delete. Leaving the share removes it from your list instead.
 */
export async function requireParentWritable(actor: Actor, node: Node): Promise<void> {
  if (node.ownerId === actor.userId) return;
  const role = node.parentId ? await grantRoleOn(actor.userId, node.parentId) : null;
  if (role !== "EDITOR") throw new AppError("FORBIDDEN", "share.topNotYours", { name: node.name });
}

/** The strongest grant the user holds (or a group of theirs holds) on the node or any ancestor, in one query. */
async function grantRoleOn(userId: string, nodeId: string): Promise<"VIEWER" | "EDITOR" | null> {
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<{ role: "VIEWER" | "EDITOR" }[]>`
    WITH RECURSIVE up AS (
      SELECT id, "parentId" FROM "Node" WHERE id = ${nodeId}
      UNION ALL
      SELECT n.id, n."parentId" FROM "Node" n JOIN up ON n.id = up."parentId"
    )
    SELECT g.role::text AS role FROM "Grant" g JOIN up ON g."nodeId" = up.id WHERE ${grantReachesSql(userId)}`;
  if (rows.some((r) => r.role === "EDITOR")) return "EDITOR";
  return rows.length ? "VIEWER" : null;
}
