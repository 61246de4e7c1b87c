import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { findUserByEmailOrThrow, requireAdmin } from "@/server/auth/auth.service";
import type { Actor } from "@/server/auth/actor";

/**
 * Fills a new folder in a user's root with `count` empty sub-folders ("item 000001"…), in bulk:
 * for trying big folders (the 100k-entry listing test and bench), not for anything a user does.
 */
export async function seedBigFolder(input: { actor: Actor; email: string; folderName: string; count: number }) {
  requireAdmin(input.actor);
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > 1_000_000) throw new AppError("BAD_REQUEST", "input.invalid");
  const user = await findUserByEmailOrThrow(input.email);
  const prisma = await getPrisma();
  const root = await prisma.node.findUniqueOrThrow({ where: { rootOwnerId: user.id } });
  const folder = await prisma.node.create({
    data: { ownerId: user.id, parentId: root.id, kind: "FOLDER", name: input.folderName, liveName: input.folderName },
  });
  const width = String(input.count).length;
  // One INSERT … SELECT: row-by-row inserts took minutes for 100k rows on PGlite.
  await prisma.$executeRaw`
    INSERT INTO "Node" (id, "ownerId", "parentId", kind, name, "liveName", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, ${user.id}, ${folder.id}, 'FOLDER'::"NodeKind", n, n, now(), now()
    FROM (SELECT 'item ' || lpad(i::text, ${width}, '0') AS n FROM generate_series(1, ${input.count}) AS i) AS names`;
  return { folderId: folder.id, count: input.count };
}
