import { getPrisma } from "@/server/db/client";
import { requireNodeAccess } from "@/server/drive/access";
import { AppError } from "@/server/errors/app-error";
import { nameConflictsSchema } from "@/server/upload/upload.schemas";
import type { Actor } from "@/server/auth/actor";

export interface NameConflict {
  name: string;
  kind: "FILE" | "FOLDER";
}

/**
 * Which names of a batch about to be uploaded are already taken in a folder, so the web client
 * can ask "replace, keep both or skip" first. Only a hint: the commit decides again under its lock.
 * Needs write access, like the upload itself; another user's folder is not found.
 */
export async function findNameConflicts(input: { actor: Actor; parentId: string; names: string[] }): Promise<NameConflict[]> {
  const data = nameConflictsSchema.parse(input);
  const parent = await requireNodeAccess({ actor: input.actor, nodeId: data.parentId, need: "write" });
  if (parent.kind !== "FOLDER") throw new AppError("BAD_REQUEST", "node.notFolder");
  const prisma = await getPrisma();
  const rows = await prisma.node.findMany({
    where: { parentId: parent.id, liveName: { in: [...new Set(data.names)] } },
    select: { name: true, kind: true },
  });
  return rows.map((r) => ({ name: r.name, kind: r.kind }));
}
