import type { Prisma } from "@/server/db/generated/client.ts";

/** Every user owns exactly one root folder (rootOwnerId is unique), made with the account. */
export function createRootFolder(tx: Prisma.TransactionClient, userId: string) {
  return tx.node.create({ data: { ownerId: userId, kind: "FOLDER", name: "", liveName: null, rootOwnerId: userId } });
}
