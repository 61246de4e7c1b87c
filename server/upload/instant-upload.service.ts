import { createHash, randomInt } from "node:crypto";
import { getPrisma } from "@/server/db/client";
import { grantsReaching } from "@/server/drive/grant-scope";
import { AppError } from "@/server/errors/app-error";
import { formatBytes } from "@/server/i18n/messages";
import { requireAccessTo, requireNodeAccess } from "@/server/drive/access";
import { toNodeDto, type NodeDto } from "@/server/drive/drive.service";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { recordAudit } from "@/server/audit/audit.service";
import { assertUnderLimit, countAttempt } from "@/server/security/rate-limit";
import { signToken, verifyToken } from "@/server/security/signed-token";
import { assertQuotaAllows } from "@/server/drive/quota";
import { commitFileVersion } from "@/server/upload/commit-version";
import { guessMimeType } from "@/server/upload/mime";
import { instantCommitSchema, instantPrepareSchema } from "@/server/upload/instant-upload.schemas";
import type { ByteRange } from "@/server/storage/blob-store";
import type { Actor } from "@/server/auth/actor";
import type { OnConflict } from "@/server/upload/upload.schemas";
import { getSettings } from "@/server/settings/settings.service";

const PURPOSE = "instant-upload";
const CHALLENGE_TTL_SECONDS = 300;
const RANGE_COUNT = 3;
const RANGE_BYTES = 64 * 1024;

interface Challenge {
  u: string;
  p: string;
  f: string;
  s: string;
  z: number;
  r: ByteRange[];
  /** Keep both on a name clash (onConflict "rename"); absent: a new version. */
  k?: 1;
}

/**
 * 秒传 (instant upload), step 1. Knowing a sha256 is not proof of having the file: when the content
 * is stored, the caller is challenged for the sha256 of byte ranges the server picks at random,
 * which only someone holding the bytes can answer. The signed challenge carries its own state,
 * so any replica can check the answer.
 */
export async function prepareInstantUpload(input: { actor: Actor; parentId: string; filename: string; size: number; sha256: string; onConflict?: OnConflict | null }) {
  const data = instantPrepareSchema.parse(input);
  await assertUnderLimit("instantUploadPrepare", input.actor.userId);
  await countAttempt("instantUploadPrepare", input.actor.userId);
  const parent = await requireNodeAccess({ actor: input.actor, nodeId: data.parentId, need: "write" });
  if (parent.kind !== "FOLDER") throw new AppError("BAD_REQUEST", "node.notFolder");
  const max = (await getSettings()).maxUploadBytes;
  if (data.size > max) throw new AppError("PAYLOAD_TOO_LARGE", "upload.tooLarge", { max: formatBytes(max) });
  // Only content the caller can already read counts as stored: if another account's files
  // counted, this answer would tell anyone whether someone else stores a given file. Such content
  // is still stored once: completeUpload reuses the blob after a real upload.
  if (!(await callerCanReadContent(input.actor, data.sha256, data.size))) return { kind: "upload" as const };
  const ranges = pickRanges(data.size);
  const challenge: Challenge = { u: input.actor.userId, p: parent.id, f: data.filename, s: data.sha256, z: data.size, r: ranges, ...(data.onConflict === "rename" ? { k: 1 as const } : {}) };
  return { kind: "challenge" as const, challenge: signToken(PURPOSE, challenge, CHALLENGE_TTL_SECONDS), ranges };
}

/** Step 2: checks the answers against the stored blob and, when they match, adds the file without a transfer. */
export async function commitInstantUpload(input: { actor: Actor; challenge: string; answers: string[] }): Promise<NodeDto> {
  const data = instantCommitSchema.parse(input);
  await assertUnderLimit("instantUploadProof", input.actor.userId);
  const c = verifyToken<Challenge>(PURPOSE, data.challenge);
  if (!c || c.u !== input.actor.userId) throw new AppError("BAD_REQUEST", "upload.challengeExpired");
  const prisma = await getPrisma();
  const store = getBlobStore();
  const blob = await prisma.blob.findUnique({ where: { backend_sha256: { backend: store.backend, sha256: c.s } } });
  // Only bytes the server hashed itself stand for a sha256 (a direct upload's are PENDING until then).
  if (!blob || blob.integrity !== "VERIFIED") throw new AppError("BAD_REQUEST", "upload.proofFailed");
  const expected = await Promise.all(c.r.map((range) => hashRange(store, blob.storageKey, range)));
  if (data.answers.length !== expected.length || expected.some((h, i) => h !== data.answers[i])) {
    await countAttempt("instantUploadProof", input.actor.userId);
    await recordAudit({ actorId: input.actor.userId, action: "upload.instant.proofFailed", targetType: "blob", targetId: blob.id });
    throw new AppError("BAD_REQUEST", "upload.proofFailed");
  }
  // Access is checked again: the folder may have been trashed or unshared since step 1.
  const parent = await requireNodeAccess({ actor: input.actor, nodeId: c.p, need: "write" });
  const { node } = await prisma.$transaction(async (tx) => {
    await assertQuotaAllows(tx, parent.ownerId, BigInt(c.z));
    return commitFileVersion(tx, {
      parentId: parent.id,
      filename: c.f,
      blobId: blob.id,
      size: BigInt(c.z),
      mimeType: guessMimeType(c.f),
      createdById: input.actor.userId,
      keepBoth: c.k === 1,
    });
  });
  await recordAudit({ actorId: input.actor.userId, action: "upload.instant", targetType: "node", targetId: node.id, data: { size: c.z } });
  return toNodeDto(node);
}

/** Up to three random ranges of up to 64 KiB; a small file is asked for whole. */
export function pickRanges(size: number): ByteRange[] {
  if (size <= RANGE_BYTES) return [{ start: 0, end: size - 1 }];
  return Array.from({ length: RANGE_COUNT }, () => {
    const start = randomInt(0, size - RANGE_BYTES + 1);
    return { start, end: start + RANGE_BYTES - 1 };
  });
}

async function hashRange(store: ReturnType<typeof getBlobStore>, key: string, range: ByteRange): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of await store.read(key, range)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Whether a file version with this content sits in the caller's own drive (trash included) or in a
 * folder someone granted them. The same queries run whatever other accounts store.
 */
async function callerCanReadContent(actor: Actor, sha256: string, size: number): Promise<boolean> {
  const prisma = await getPrisma();
  const blob = { backend: getBlobStore().backend, sha256, size: BigInt(size), integrity: "VERIFIED" as const };
  const own = await prisma.fileVersion.findFirst({ where: { blob, node: { ownerId: actor.userId } }, select: { id: true } });
  if (own) return true;
  // In drives that granted the caller something: a few candidates, each checked by the access rule.
  const candidates = await prisma.node.findMany({
    where: {
      trashedAt: null,
      versions: { some: { blob } },
      owner: { nodes: { some: { grants: { some: grantsReaching(actor.userId) } } } },
    },
    select: { id: true, ownerId: true, trashedAt: true },
    take: 20,
  });
  for (const node of candidates) {
    try {
      await requireAccessTo(actor, node, "read");
      return true;
    } catch {
      // not readable by the caller: keep looking
    }
  }
  return false;
}
