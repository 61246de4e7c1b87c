import { randomBytes } from "node:crypto";
import path from "node:path";
import { Server, EVENTS, MemoryLocker } from "@tus/server";
import { RedisLocker } from "@/server/upload/redis-locker";
import type { DataStore, Upload } from "@tus/utils";
import { getEnv } from "@/server/env";
import { AppError, httpStatusOf } from "@/server/errors/app-error";
import { localeFromHeaders } from "@/server/i18n/messages";
import { translateIssue } from "@/server/i18n/issue";
import { authenticateRequest } from "@/server/auth/request-auth";
import { logger } from "@/server/log/logger";
import { HashingFileStore } from "@/server/upload/hashing-file-store";
import { HashingS3Store } from "@/server/upload/hashing-s3-store";
import type { HashingUploadStore } from "@/server/upload/streaming-hash";
import { s3SettingsFromEnv } from "@/server/storage/s3-blob-store";
import { uploadMetadataSchema } from "@/server/upload/upload.schemas";
import {
  completeUpload,
  createUploadSession,
  declareUploadLength,
  failUpload,
  getCommittedUploadSize,
  assertUploadOwner,
  markUploadAborted,
  requireUploadOwner,
} from "@/server/upload/upload.service";
import type { Actor } from "@/server/auth/actor";
import { getMetrics } from "@/server/metrics/metrics";
import { ZodError } from "zod";
import { createProgressRecorder } from "@/server/upload/progress-recorder";
import { authenticateShareUpload, createShareUploadSession, recordShareDrop, requireShareUpload, type ShareVisitor } from "@/server/share/share-upload.service";

export const UPLOAD_PATH = "/api/upload";

type UploadStore = DataStore & HashingUploadStore;

interface TusRuntime {
  server: Server;
  store: UploadStore;
}

// One tus server per process (its locker must see every request for an upload), shared by the
// custom server and any Next layer that reaches it.
const KEY = Symbol.for("yunpan.tus");
type G = typeof globalThis & { [KEY]?: TusRuntime };

export function getTus(): TusRuntime {
  const g = globalThis as G;
  return (g[KEY] ??= createTus());
}

/** tus expects thrown `{ status_code, body }`; our errors carry a code and a translated message. */
function tusError(e: unknown, req: Request): { status_code: number; body: string } {
  const locale = localeFromHeaders(req.headers.get("accept-language"), req.headers.get("cookie"));
  if (e instanceof AppError) {
    return { status_code: httpStatusOf[e.code], body: JSON.stringify({ code: e.code, message: e.localized(locale) }) + "\n" };
  }
  if (e instanceof ZodError) {
    const message = translateIssue(e.issues[0]?.message ?? "input.invalid", locale);
    return { status_code: 400, body: JSON.stringify({ code: "BAD_REQUEST", message }) + "\n" };
  }
  throw e;
}

/**
 * Verifies and commits a finished upload; the store then lets go of the bytes the blob store took
 * and keeps a HEAD answering "complete", so a client that lost the final response does not upload
 * again. A rule violation (checksum, size) discards the upload; any other failure keeps it, and
 * the next HEAD retries the commit.
 */
async function finishUpload(store: UploadStore, upload: Upload) {
  const size = upload.size ?? upload.offset;
  try {
    const { sha256 } = await store.digest(upload.id, size);
    const filetype = uploadMetadataSchema.shape.filetype.parse(upload.metadata?.filetype ?? null);
    // The rule chosen at creation (checked then) travels in the stored metadata, so a commit
    // finished by a later HEAD honours it too.
    const onConflict = uploadMetadataSchema.shape.onConflict.catch(null).parse(upload.metadata?.onConflict ?? null);
    const { localPath } = store.uploadRef(upload.id);
    const node = await completeUpload({ uploadId: upload.id, filePath: localPath, sha256, size, mimeType: filetype, onConflict });
    await store.releaseCommitted(upload.id, size);
    return node;
  } catch (e) {
    if (e instanceof AppError) {
      await failUpload(upload.id, e.key).catch(() => {});
      // The client must still hear why; a leftover is only bytes nobody references.
      await store.discard(upload.id).catch((err: unknown) => logger.error({ err, uploadId: upload.id }, "could not discard a rejected upload"));
    }
    throw e;
  }
}

function createStore(): UploadStore {
  const env = getEnv();
  const expirationPeriodInMilliseconds = env.uploadExpiryHours * 3600_000;
  if (env.storage === "s3") {
    return new HashingS3Store({
      settings: s3SettingsFromEnv(env.s3),
      partSizeBytes: env.s3.partSizeBytes,
      concurrency: env.s3.uploadConcurrency,
      maxUploadBytes: env.maxUploadBytes,
      expirationPeriodInMilliseconds,
      committedUploadSize: getCommittedUploadSize,
    });
  }
  return new HashingFileStore({ directory: path.join(env.dataDir, "uploads"), expirationPeriodInMilliseconds });
}

function createTus(): TusRuntime {
  const env = getEnv();
  const store = createStore();
  // Which actor a request belongs to, resolved once in onIncomingRequest and read by later hooks.
  const actors = new WeakMap<Request, Actor>();
  // Visitors dropping into an upload link (they carry the link's token, not a session).
  const visitors = new WeakMap<Request, ShareVisitor>();

  const server = new Server({
    path: UPLOAD_PATH,
    datastore: store,
    // Several replicas share uploads only through Redis locks; one process locks in memory.
    locker: env.redisUrl ? new RedisLocker(env.redisUrl) : new MemoryLocker(),
    relativeLocation: true,
    disableTerminationForFinishedUploads: true,
    maxSize: env.maxUploadBytes,
    // Ids are made here, never taken from the client: 128 random bits, hex.
    namingFunction: () => randomBytes(16).toString("hex"),
    async onIncomingRequest(req, uploadId) {
      try {
        const visitor = await authenticateShareUpload(req.headers);
        if (visitor) {
          visitors.set(req, visitor);
          if (req.method === "POST") return;
          const session = await requireShareUpload({ visitor, uploadId });
          if (req.method === "HEAD" && session.status === "ACTIVE") {
            const upload = await store.getUpload(uploadId).catch(() => null);
            if (upload?.size !== undefined && upload.offset === upload.size) await finishUpload(store, upload);
          }
          return;
        }
        const actor = await authenticateRequest(req.headers);
        if (!actor) throw new AppError("UNAUTHORIZED", "auth.required");
        actors.set(req, actor);
        if (req.method === "POST") return;
        const declared = req.headers.get("upload-length");
        // The hot path: a PATCH of a known upload costs no query beyond the caller's identity.
        if (req.method === "PATCH" && declared === null) return await assertUploadOwner({ actor, uploadId });
        const session = await requireUploadOwner({ actor, uploadId });
        // A server that died after the last byte but before the commit left a complete upload:
        // the client's HEAD on resume finishes it, so no upload is ever stuck.
        if (req.method === "HEAD" && session.status === "ACTIVE") {
          const upload = await store.getUpload(uploadId).catch(() => null);
          if (upload?.size !== undefined && upload.offset === upload.size) await finishUpload(store, upload);
        }
        // A deferred length, declared now: the quota is checked and reserved like at creation.
        if (req.method === "PATCH" && declared !== null && session.size === null && /^\d+$/.test(declared)) {
          await declareUploadLength({ uploadId, size: Number(declared) });
        }
      } catch (e) {
        throw tusError(e, req);
      }
    },
    async onUploadCreate(req, upload) {
      try {
        const visitor = visitors.get(req);
        if (visitor) {
          await createShareUploadSession({ visitor, uploadId: upload.id, size: upload.size ?? null, metadata: upload.metadata ?? {} });
          return { metadata: upload.metadata };
        }
        const actor = actors.get(req);
        if (!actor) throw new AppError("UNAUTHORIZED", "auth.required");
        const metadata = uploadMetadataSchema.parse(upload.metadata ?? {});
        await createUploadSession({ actor, uploadId: upload.id, size: upload.size ?? null, metadata });
        return { metadata: upload.metadata };
      } catch (e) {
        throw tusError(e, req);
      }
    },
    async onUploadFinish(req, upload) {
      try {
        const node = await finishUpload(store, upload);
        const visitor = visitors.get(req);
        if (visitor) {
          await recordShareDrop({ visitor, nodeId: node.id, filename: node.name, size: node.size, metadata: upload.metadata });
          // A visitor learns nothing of the folder, not even the new file's id.
          return {};
        }
        return { headers: { "Upload-Node-Id": node.id } };
      } catch (e) {
        throw tusError(e, req);
      }
    },
  });

  // tus reports progress at most once a second and drops the report when a PATCH ends sooner, so
  // 8 MiB PATCHes would never record their offset (nor push back the expiry). Record after writes
  // ourselves, at most once a second per upload but always the last offset (trailing write).
  const progress = createProgressRecorder();
  const write = store.write.bind(store);
  store.write = async (...args: Parameters<typeof store.write>) => {
    const offset = await write(...args);
    getMetrics().uploadedBytes.inc(Math.max(0, offset - args[2]));
    progress.record(args[1], offset);
    return offset;
  };
  server.on(EVENTS.POST_TERMINATE, (_req, _res, id) => {
    store.forget(id);
    void markUploadAborted(id).catch(() => {});
  });
  return { server, store };
}
