import { createTRPCRouter, protectedProcedure } from "@/server/trpc/init";
import { getEnv } from "@/server/env";
import { cancelUpload, listUnfinishedUploads } from "@/server/upload/upload.service";
import { getTus } from "@/server/upload/tus-server";
import { z } from "zod";
import { commitInstantUpload, prepareInstantUpload } from "@/server/upload/instant-upload.service";
import { instantCommitSchema, instantPrepareSchema } from "@/server/upload/instant-upload.schemas";
import { findNameConflicts } from "@/server/upload/name-conflicts.service";
import { nameConflictsSchema } from "@/server/upload/upload.schemas";
import {
  abortDirectUpload,
  completeDirectUpload,
  isDirectUploadEnabled,
  listDirectParts,
  removeUploadData,
  signDirectParts,
  startDirectUpload,
} from "@/server/upload/direct-upload.service";
import { directCompleteSchema, directPartsSchema, directStartSchema, directUploadIdSchema } from "@/server/upload/direct-upload.schemas";

export const uploadRouter = createTRPCRouter({
  /** What a client needs to size its PATCHes (see patchSize): whole S3 parts, as many as upload at once. */
  config: protectedProcedure.query(() => {
    const env = getEnv();
    return env.storage === "s3"
      ? { partFloorBytes: env.s3.partSizeBytes, partsPerPatch: env.s3.uploadConcurrency, direct: isDirectUploadEnabled() }
      : { partFloorBytes: 8 * 1024 * 1024, partsPerPatch: 1, direct: false };
  }),
  /** Names of a batch already taken in the target folder (the web client asks before uploading). */
  conflicts: protectedProcedure.input(nameConflictsSchema).query(({ input, ctx }) => findNameConflicts({ actor: ctx.actor, ...input })),
  unfinished: protectedProcedure.query(({ ctx }) => listUnfinishedUploads({ actor: ctx.actor })),
  cancel: protectedProcedure
    .input(z.object({ uploadId: z.string().regex(/^[0-9a-f]{32}$/) }))
    .mutation(({ input, ctx }) => cancelUpload({ actor: ctx.actor, uploadId: input.uploadId, removeData: (id) => removeUploadData(id, (tusId) => getTus().store.remove(tusId)) })),
  instantPrepare: protectedProcedure.input(instantPrepareSchema).mutation(({ input, ctx }) => prepareInstantUpload({ actor: ctx.actor, ...input })),
  instantCommit: protectedProcedure.input(instantCommitSchema).mutation(({ input, ctx }) => commitInstantUpload({ actor: ctx.actor, ...input })),
  /** Direct upload to S3 (see direct-upload.service.ts): start, part URLs, parts held, complete, abort. */
  directStart: protectedProcedure.input(directStartSchema).mutation(({ input, ctx }) => startDirectUpload({ actor: ctx.actor, ...input })),
  directPartUrls: protectedProcedure.input(directPartsSchema).mutation(({ input, ctx }) => signDirectParts({ actor: ctx.actor, ...input })),
  directParts: protectedProcedure.input(directUploadIdSchema).query(({ input, ctx }) => listDirectParts({ actor: ctx.actor, ...input })),
  directComplete: protectedProcedure.input(directCompleteSchema).mutation(({ input, ctx }) => completeDirectUpload({ actor: ctx.actor, ...input })),
  directAbort: protectedProcedure.input(directUploadIdSchema).mutation(({ input, ctx }) => abortDirectUpload({ actor: ctx.actor, ...input })),
});
