// An upload created with Upload-Defer-Length has no size to reserve at creation, so its bytes are
// reserved as they arrive: before each write, the quota is asked for the room the write may take
// (its Content-Length, or all that is left when the body's length is unknown), and after it the
// reservation is set to what was actually kept. Both run under the upload's tus lock, so the
// writes of one upload never race each other's reservation.
import { Transform } from "node:stream";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { formatBytes } from "@/server/i18n/messages";
import { quotaError, remainingQuota } from "@/server/drive/quota";
import { getSettings } from "@/server/settings/settings.service";

export interface DeferredWriteAllowance {
  /** Bytes this write may add. */
  maxBytes: number;
  /** What the upload holds against the quota while the write runs. */
  reservedBytes: number;
  /** The refusal for a body that turned out longer than `maxBytes` (`end`: where it got to). */
  refusal(end: number): AppError;
}

/**
 * Reserves the room a write at `offset` of a deferred-length upload may take, or returns null
 * when the upload's length is declared (its whole size is reserved already) or it is not active.
 * Throws PAYLOAD_TOO_LARGE, reserving nothing, when a body of known length would not fit.
 */
export async function reserveDeferredWrite(input: { uploadId: string; offset: number; bodyLength: number | null }): Promise<DeferredWriteAllowance | null> {
  const { maxUploadBytes } = await getSettings();
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const session = await tx.uploadSession.findUnique({
      where: { id: input.uploadId },
      select: { status: true, size: true, reservedBytes: true, userId: true, chargedToId: true },
    });
    if (!session || session.status !== "ACTIVE" || session.size !== null) return null;
    const left = await remainingQuota(tx, session.chargedToId ?? session.userId);
    // What the whole upload may grow to: what is left of the quota plus what it holds already.
    const quotaEnd = left === null ? null : left + session.reservedBytes;
    const maxEnd = BigInt(maxUploadBytes);
    const offset = BigInt(input.offset);
    const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", "upload.tooLarge", { max: formatBytes(maxUploadBytes) });
    let end: bigint;
    if (input.bodyLength !== null) {
      end = offset + BigInt(input.bodyLength);
      if (end > maxEnd) throw tooLarge();
      if (quotaEnd !== null && input.bodyLength > 0 && end > quotaEnd) throw quotaError(end, quotaEnd);
    } else {
      end = quotaEnd !== null && quotaEnd < maxEnd ? quotaEnd : maxEnd;
      if (end < offset) end = offset;
    }
    // Without a quota nothing needs holding; the size limit still bounds the write.
    const reserved = quotaEnd === null ? offset : end;
    await tx.uploadSession.update({ where: { id: input.uploadId }, data: { reservedBytes: reserved } });
    return {
      maxBytes: Number(end - offset),
      reservedBytes: Number(reserved),
      refusal: (at: number) => (quotaEnd !== null && quotaEnd <= maxEnd ? quotaError(BigInt(at), quotaEnd) : tooLarge()),
    };
  });
}

/** After a write of a deferred-length upload: it holds exactly the bytes it kept. */
export async function settleDeferredReservation(uploadId: string, kept: number) {
  const prisma = await getPrisma();
  await prisma.uploadSession.updateMany({ where: { id: uploadId, status: "ACTIVE", size: null }, data: { reservedBytes: BigInt(kept) } });
}

/**
 * Passes at most `maxBytes` through; the chunk that would go past fails the stream with
 * `refusal(bytes seen)`, so nothing beyond the limit reaches the store.
 */
export class ByteLimit extends Transform {
  private seen = 0;
  /** The refusal, once the limit was passed. */
  error: Error | null = null;

  constructor(
    private readonly maxBytes: number,
    private readonly refusal: (seen: number) => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void) {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      this.error = this.refusal(this.seen);
      callback(this.error);
      return;
    }
    callback(null, chunk);
  }
}
