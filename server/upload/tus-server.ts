import { randomBytes } from "node:crypto";
import { rm, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { Server, EVENTS } from "@tus/server";
import type { Upload } from "@tus/utils";
import { getEnv } from "@/server/env";
import { AppError, httpStatusOf } from "@/server/errors/app-error";
import { localeFromHeaders } from "@/server/i18n/messages";
import { translateIssue } from "@/server/i18n/issue";
import { authenticateRequest } from "@/server/auth/request-auth";
import { HashingFileStore } from "@/server/upload/hashing-file-store";
import { uploadMetadataSchema } from "@/server/upload/upload.schemas";
import {
  completeUpload,
  createUploadSession,
  failUpload,
  markUploadAborted,
  recordUploadProgress,
  requireUploadOwner,
} from "@/server/upload/upload.service";
import type { Actor } from "@/server/auth/actor";
import { ZodError } from "zod";

export const UPLOAD_PATH = "/api/upload";

interface TusRuntime {
  server: Server;
  store: HashingFileStore;
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
 * Verifies and commits a finished upload. tus's data file is then replaced by a sparse file of
 * the same length (no disk blocks), so a HEAD keeps answering "complete" until expiry and a
 * client that lost the final response does not upload again. A rule violation (checksum, size)
 * discards the upload; any other failure keeps it, and the next HEAD retries the commit.
 */
async function finishUpload(store: HashingFileStore, upload: Upload) {
  const filePath = store.filePath(upload.id);
  const size = upload.size ?? upload.offset;
  try {
    const { sha256 } = await store.digest(upload.id, size);
    const filetype = uploadMetadataSchema.shape.filetype.parse(upload.metadata?.filetype ?? null);
    const node = await completeUpload({ uploadId: upload.id, filePath, sha256, size, mimeType: filetype });
    await rm(filePath, { force: true });
    await writeFile(filePath, "");
    await truncate(filePath, size);
    return node;
  } catch (e) {
    if (e instanceof AppError) {
      await failUpload(upload.id, e.key).catch(() => {});
      await rm(filePath, { force: true });
      await store.configstore.delete(upload.id).catch(() => {});
    }
    throw e;
  }
}

function createTus(): TusRuntime {
  const env = getEnv();
  const store = new HashingFileStore({
    directory: path.join(env.dataDir, "uploads"),
    expirationPeriodInMilliseconds: env.uploadExpiryHours * 3600_000,
  });
  // Which actor a request belongs to, resolved once in onIncomingRequest and read by later hooks.
  const actors = new WeakMap<Request, Actor>();

  const server = new Server({
    path: UPLOAD_PATH,
    datastore: store,
    relativeLocation: true,
    disableTerminationForFinishedUploads: true,
    maxSize: env.maxUploadBytes,
    // Ids are made here, never taken from the client: 128 random bits, hex.
    namingFunction: () => randomBytes(16).toString("hex"),
    async onIncomingRequest(req, uploadId) {
      try {
        const actor = await authenticateRequest(req.headers);
        if (!actor) throw new AppError("UNAUTHORIZED", "auth.required");
        actors.set(req, actor);
        if (req.method === "POST") return;
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
        return { headers: { "Upload-Node-Id": node.id } };
      } catch (e) {
        throw tusError(e, req);
      }
    },
  });

  server.on(EVENTS.POST_RECEIVE, (_req, upload) => void recordUploadProgress(upload.id, upload.offset).catch(() => {}));
  server.on(EVENTS.POST_TERMINATE, (_req, _res, id) => {
    store.forget(id);
    void markUploadAborted(id).catch(() => {});
  });
  return { server, store };
}
