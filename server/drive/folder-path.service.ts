import { recordAudit } from "@/server/audit/audit.service";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { requireNodeAccess } from "@/server/drive/access";
import { nodeNameSchema } from "@/server/drive/drive.schemas";
import type { Actor } from "@/server/auth/actor";

export const MAX_FOLDER_DEPTH = 64;

/**
 * `mkdir -p` inside a folder the actor may write: returns the id of `parent/a/b/c`, creating the
 * folders that are missing. Uploads of a dropped tree run in parallel and race to create the same
 * folders; the live-name unique index decides, and the loser uses the winner's folder.
 */
export async function ensureFolderPath(input: { actor: Actor; parentId: string; path: string }): Promise<string> {
  const segments = input.path.split("/").filter((s) => s.length > 0);
  if (segments.length > MAX_FOLDER_DEPTH) throw new AppError("BAD_REQUEST", "upload.tooDeep", { max: MAX_FOLDER_DEPTH });
  const names = segments.map((s) => nodeNameSchema.parse(s));
  const parent = await requireNodeAccess({ actor: input.actor, nodeId: input.parentId, need: "write" });
  if (parent.kind !== "FOLDER") throw new AppError("BAD_REQUEST", "node.notFolder");
  const prisma = await getPrisma();
  let currentId = parent.id;
  for (const name of names) {
    const find = () => prisma.node.findFirst({ where: { parentId: currentId, liveName: name } });
    let node = await find();
    if (!node) {
      try {
        node = await prisma.node.create({ data: { ownerId: parent.ownerId, parentId: currentId, kind: "FOLDER", name, liveName: name } });
        await recordAudit({ actorId: input.actor.userId, action: "folder.create", targetType: "node", targetId: node.id, data: { name, parentId: currentId } });
      } catch (e) {
        if ((e as { code?: string }).code !== "P2002") throw e;
        node = await find();
      }
    }
    if (!node || node.kind !== "FOLDER") throw new AppError("CONFLICT", "name.taken", { name });
    currentId = node.id;
  }
  return currentId;
}
