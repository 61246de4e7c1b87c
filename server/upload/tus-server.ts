import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { finished, type Readable } from "node:stream";
import { Server, EVENTS, MemoryLocker } from "@tus/server";
import { RedisLocker } from "@/server/upload/redis-locker";
import { ERRORS, type DataStore, type Upload } from "@tus/utils";
import { getEnv } from "@/server/env";
import { AppError, httpStatusOf, toAppError } from "@/server/errors/app-error";
import { localeFromHeaders } from "@/server/i18n/messages";
import { translateIssue } from "@/server/i18n/issue";
import { authenticateRequest } from "@/server/auth/request-auth";
import { logger } from "@/server/log/logger";
import { HashingFileStore } from "@/server/upload/hashing-file-store";
import { HashingS3Store } from "@/server/upload/hashing-s3-store";
import type { HashingUploadStore } from "@/server/storage/streaming-hash";
import { s3SettingsFromEnv } from "@/server/storage/s3-blob-store";
import { uploadMetadataSchema } from "@/server/upload/upload.schemas";
import {
  completeUpload,
  createUploadSession,
  declareUploadLength,
  failUpload,
  getCommittedUploadSize,
  assertUploadOwner,
  isLengthKnown,
  markUploadAborted,
  requireUploadOwner,
  revertUploadLength,
} from "@/server/upload/upload.service";
import { ByteLimit, reserveDeferredWrite, settleDeferredReservation } from "@/server/upload/deferred-quota";
import { bodyLengthOf, trackLockHolders } from "@/server/upload/lock-holders";
import type { Actor } from "@/server/auth/actor";
import { getMetrics } from "@/server/metrics/metrics";
import { ZodError } from "zod";
import { createProgressRecorder } from "@/server/upload/progress-recorder";
import { dropTarget } from "@/server/upload/drop-target";
import { useUncopiedBody } from "@/server/upload/tus-body";
import { getSettings } from "@/server/settings/settings.service";

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

/** The Node response under tus's Request (srvx keeps it there; tus itself reads `runtime.node`). */
function nodeResponseOf(req: Request): ServerResponse | undefined {
  return (req as Request & { runtime?: { node?: { res?: ServerResponse } } }).runtime?.node?.res;
}

/**
 * The client address boot.ts set on Node's own request. Not from `req.headers`: once tus iterates
 * them, srvx rebuilds them from the raw headers, where only a client-sent X-Yunpan-Client-Ip is.
 */
function clientIpOf(req: Request): string | null {
  const node = (req as Request & { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
  const ip = node?.headers["x-yunpan-client-ip"];
  return typeof ip === "string" && ip ? ip : null;
}

/** tus expects thrown `{ status_code, body }`; our errors carry a code and a translated message. */
function tusError(e: unknown, req: Request): { status_code: number; body: string } {
  const mapped = tusErrorOf(e, req);
  if (mapped) return mapped;
  throw e;
}

function tusErrorOf(e: unknown, req: Request): { status_code: number; body: string } | undefined {
  const locale = localeFromHeaders(req.headers.get("accept-language"), req.headers.get("cookie"));
  const app = toAppError(e);
  if (app) {
    // tus's error answer carries no headers of its own; the Node response it is written to does.
    if (app.retryAfterSeconds) nodeResponseOf(req)?.setHeader("Retry-After", String(app.retryAfterSeconds));
    return { status_code: httpStatusOf[app.code], body: JSON.stringify({ code: app.code, message: app.localized(locale) }) + "\n" };
  }
  if (e instanceof ZodError) {
    const message = translateIssue(e.issues[0]?.message ?? "input.invalid", locale);
    return { status_code: 400, body: JSON.stringify({ code: "BAD_REQUEST", message }) + "\n" };
  }
  return undefined;
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
      bufferBytes: env.s3.uploadBufferBytes,
      maxUploadBytes: env.maxUploadBytes,
      expirationPeriodInMilliseconds,
      committedUploadSize: getCommittedUploadSize,
      // Without Redis, tus locks in memory: this process is the only one writing its uploads.
      soleWriter: !env.redisUrl,
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
  const visitors = new WeakMap<Request, object>();
  const lockHolders = trackLockHolders(env.redisUrl ? new RedisLocker(env.redisUrl) : new MemoryLocker());

  const server = new Server({
    path: UPLOAD_PATH,
    datastore: store,
    // Several replicas share uploads only through Redis locks; one process locks in memory.
    locker: (req) => lockHolders.lockerFor(req),
    relativeLocation: true,
    disableTerminationForFinishedUploads: true,
    // The site setting, read per request: a change in Admin → Settings applies without a restart.
    maxSize: async () => (await getSettings()).maxUploadBytes,
    // Ids are made here, never taken from the client: 128 random bits, hex.
    namingFunction: () => randomBytes(16).toString("hex"),
    async onIncomingRequest(req, uploadId) {
      useUncopiedBody(req);
      try {
        const drops = dropTarget();
        const visitor = drops ? await drops.authenticate(req.headers, clientIpOf(req)) : null;
        if (drops && visitor) {
          visitors.set(req, visitor);
          if (req.method === "POST") return;
          const session = await drops.requireSession({ visitor, uploadId });
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
        // The hot path: a PATCH of a known upload costs no query beyond the caller's identity. A
        // length it declares is recorded by the store's declareUploadLength (below), under the
        // upload's lock and after tus has validated it, so a refused PATCH changes nothing.
        if (req.method === "PATCH") return await assertUploadOwner({ actor, uploadId });
        const session = await requireUploadOwner({ actor, uploadId });
        // A server that died after the last byte but before the commit left a complete upload:
        // the client's HEAD on resume finishes it, so no upload is ever stuck.
        if (req.method === "HEAD" && session.status === "ACTIVE") {
          const upload = await store.getUpload(uploadId).catch(() => null);
          if (upload?.size !== undefined && upload.offset === upload.size) await finishUpload(store, upload);
        }
      } catch (e) {
        throw tusError(e, req);
      }
    },
    async onUploadCreate(req, upload) {
      try {
        const visitor = visitors.get(req);
        const drops = dropTarget();
        if (visitor && drops) {
          await drops.createSession({ visitor, uploadId: upload.id, size: upload.size ?? null, metadata: upload.metadata ?? {} });
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
    // Errors met outside our hooks (the store's quota and limit checks, a store that lost the
    // database: a 503) reach tus as thrown AppErrors.
    onResponseError: (req, e) => tusErrorOf(e, req),
    async onUploadFinish(req, upload) {
      try {
        const node = await finishUpload(store, upload);
        const visitor = visitors.get(req);
        const drops = dropTarget();
        if (visitor && drops) {
          await drops.recordDrop({ visitor, nodeId: node.id, filename: node.name, size: node.size, metadata: upload.metadata });
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
  store.write = async (readable: Readable, id: string, offset: number) => {
    const end = isLengthKnown(id) ? await write(readable, id, offset) : await writeDeferred(readable, id, offset);
    getMetrics().uploadedBytes.inc(Math.max(0, end - offset));
    progress.record(id, end);
    return end;
  };

  /** A write of an upload whose length may not be declared yet: its bytes count against the quota as they arrive. */
  async function writeDeferred(readable: Readable, id: string, offset: number): Promise<number> {
    const allowance = await reserveDeferredWrite({ uploadId: id, offset, bodyLength: bodyLengthOf(lockHolders.holder(id)) });
    if (!allowance) return write(readable, id, offset);
    const limit = new ByteLimit(allowance.maxBytes, (seen) => allowance.refusal(offset + seen));
    // Not pipeline(): tearing the body down would fail tus's own pipeline, and send the 413 and free
    // the lock, while the catch below still settles the reservation. The limit's refusal reaches tus
    // through the write instead; a failing body is passed on so the write never waits for it.
    readable.pipe(limit);
    finished(readable, (err) => {
      if (err) limit.destroy(err);
    });
    try {
      const end = await write(limit, id, offset);
      if (end !== allowance.reservedBytes) await settleDeferredReservation(id, end);
      return end;
    } catch (e) {
      // Hold what was kept, not what was allowed.
      const kept = await store.getUpload(id).then((u) => u.offset, () => null);
      if (kept !== null) await settleDeferredReservation(id, kept).catch(() => {});
      throw limit.error ?? e;
    }
  }

  // tus declares a deferred length before it measures the PATCH's body against it, and our rules
  // (size limit, quota) come after its own checks: everything is checked here, before anything is
  // written, so a refused PATCH leaves the upload as it was.
  const declareLength = store.declareUploadLength.bind(store);
  store.declareUploadLength = async (id: string, size: number) => {
    const body = bodyLengthOf(lockHolders.holder(id));
    if (body !== null && (await store.getUpload(id)).offset + body > size) throw ERRORS.ERR_SIZE_EXCEEDED;
    const before = await declareUploadLength({ uploadId: id, size });
    try {
      await declareLength(id, size);
    } catch (e) {
      await revertUploadLength(id, before);
      throw e;
    }
  };
  server.on(EVENTS.POST_TERMINATE, (_req, _res, id) => {
    store.forget(id);
    void markUploadAborted(id).catch(() => {});
  });
  return { server, store };
}
