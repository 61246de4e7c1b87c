import { getPrisma } from "@/server/db/client";
import { folderAccessOf, NO_ACCESS, requireNodeAccess, type ItemAccess } from "@/server/drive/access";
import { nodeRefSchema, pageSchema } from "@/server/drive/drive.schemas";
import { toNodeDto, type Crumb, type NodeDto } from "@/server/drive/drive.service";
import { decodeCursor, encodeCursor } from "@/server/drive/cursor";
import { folderPathsOf } from "@/server/drive/node-paths";
import type { Actor } from "@/server/auth/actor";

export interface ListedNodeDto extends NodeDto {
  parentId: string | null;
  path: Crumb[];
  /** What the caller may do to it (its folder's capability), so the menu offers only that. */
  access: ItemAccess;
}

/** Stars a node the caller can see; starring twice is fine. */
export async function starNode(input: { actor: Actor; nodeId: string }): Promise<{ starred: true }> {
  const { nodeId } = nodeRefSchema.parse(input);
  const node = await requireNodeAccess({ actor: input.actor, nodeId, need: "read" });
  const prisma = await getPrisma();
  await prisma.star.createMany({ data: [{ userId: input.actor.userId, nodeId: node.id }], skipDuplicates: true });
  return { starred: true };
}

/** Removes the caller's star; a node without one (or gone since) is fine too. */
export async function unstarNode(input: { actor: Actor; nodeId: string }): Promise<{ starred: false }> {
  const { nodeId } = nodeRefSchema.parse(input);
  const prisma = await getPrisma();
  await prisma.star.deleteMany({ where: { userId: input.actor.userId, nodeId } });
  return { starred: false };
}

/**
 * The caller's starred nodes, most recently starred first. Trashed nodes are left out (their star
 * comes back with a restore), and so are shared nodes the caller lost access to.
 */
export async function listStarred(input: { actor: Actor; cursor?: string | null; limit?: number }) {
  const { cursor, limit } = pageSchema.parse(input);
  const after = decodeCursor(cursor);
  const prisma = await getPrisma();
  const stars = await prisma.star.findMany({
    where: {
      userId: input.actor.userId,
      node: { trashedAt: null },
      ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, nodeId: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { nodeId: "desc" }],
    take: limit + 1,
    include: { node: true },
  });
  const page = stars.slice(0, limit);
  const visible = [];
  for (const s of page) {
    if (s.node.ownerId === input.actor.userId) visible.push(s.node);
    else if (await requireNodeAccess({ actor: input.actor, nodeId: s.nodeId, need: "read" }).catch(() => null)) visible.push(s.node);
  }
  const parents = visible.flatMap((n) => (n.parentId ? [n.parentId] : []));
  const [paths, access] = await Promise.all([folderPathsOf(prisma, input.actor.userId, parents), folderAccessOf(input.actor, parents)]);
  const last = page.at(-1);
  return {
    items: visible.map(
      (n): ListedNodeDto => ({ ...toNodeDto(n), parentId: n.parentId, path: (n.parentId && paths.get(n.parentId)) || [], access: (n.parentId && access.get(n.parentId)) || NO_ACCESS }),
    ),
    nextCursor: stars.length > limit && last ? encodeCursor(last.createdAt, last.nodeId) : null,
  };
}
