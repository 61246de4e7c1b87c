import { adminProcedure, createTRPCRouter } from "@/server/trpc/init";
import { getStorageStats } from "@/server/storage/blob-gc.service";

export const adminRouter = createTRPCRouter({
  /** Logical bytes (every version), physical bytes (each content once) and what dedup saves. */
  storageStats: adminProcedure.query(() => getStorageStats()),
});
