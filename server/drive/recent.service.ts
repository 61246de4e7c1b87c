import { getPrisma } from "@/server/db/client";
import { folderAccessOf, NO_ACCESS, teamDrivesOf } from "@/server/drive/access";
import { pageSchema } from "@/server/drive/drive.schemas";
import { toNodeDto } from "@/server/drive/drive.service";
import { decodeCursor, encodeCursor } from "@/server/drive/cursor";
import { folderPathsOf } from "@/server/drive/node-paths";
import type { ListedNodeDto } from "@/server/drive/starred.service";
import type { Actor } from "@/server/auth/actor";

/**
 * The caller's own files and their team folders' files, most recently changed first (the index on
 * ownerId, updatedAt serves it).
 */
export async function listRecent(input: { actor: Actor; cursor?: string | null; limit?: number }) {
  const { cursor, limit } = pageSchema.parse(input);
  const after = decodeCursor(cursor);
  const prisma = await getPrisma();
  const teams = await teamDrivesOf(input.actor.userId);
  const owners = [input.actor.userId, ...teams.keys()];
  const rows = await prisma.node.findMany({
    where: {
      ownerId: owners.length === 1 ? input.actor.userId : { in: owners },
      kind: "FILE",
      trashedAt: null,
      ...(after ? { OR: [{ updatedAt: { lt: after.at } }, { updatedAt: after.at, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const parents = page.flatMap((n) => (n.parentId ? [n.parentId] : []));
  const [paths, access] = await Promise.all([folderPathsOf(prisma, owners, parents, teams), folderAccessOf(input.actor, parents)]);
  const last = page.at(-1);
  return {
    items: page.map(
      (n): ListedNodeDto => ({
        ...toNodeDto(n),
        parentId: n.parentId,
        path: (n.parentId && paths.get(n.parentId)) || [],
        access: (n.parentId && access.get(n.parentId)) || NO_ACCESS,
      }),
    ),
    nextCursor: rows.length > limit && last ? encodeCursor(last.updatedAt, last.id) : null,
  };
}
