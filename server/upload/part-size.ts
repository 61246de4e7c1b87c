// Pure: the browser imports it too, to send PATCHes that are whole S3 parts.
const MiB = 1024 * 1024;
/** S3's limit on the parts of one multipart upload. */
export const MAX_PARTS = 10_000;

/**
 * The part size for an upload of `length` bytes: `floorBytes` (a whole number of MiB), grown in
 * whole MiB until MAX_PARTS parts hold the upload. Clients use it as their chunk size, so every
 * PATCH fills whole parts and no tail has to be staged and re-read.
 */
export function s3PartSize(length: number, floorBytes: number): number {
  const floor = Math.ceil(floorBytes / MiB) * MiB;
  return Math.max(floor, Math.ceil(length / MAX_PARTS / MiB) * MiB);
}

/**
 * A client's PATCH size: `partsPerPatch` whole parts. On S3 the store uploads the parts of one PATCH
 * side by side (S3_UPLOAD_CONCURRENCY), so a PATCH of one part would leave the others idle and
 * upload strictly one part at a time.
 */
export function patchSize(length: number, floorBytes: number, partsPerPatch: number): number {
  return s3PartSize(length, floorBytes) * Math.max(1, Math.floor(partsPerPatch));
}
