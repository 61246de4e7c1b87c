import type { HeadersLike } from "@/server/auth/request-auth";

/**
 * Uploads into someone else's folder by a visitor who is not signed in (a share link's file drop).
 * tus serves them here, but their rules live in share/, which sits above upload/ (it reserves
 * quota and ends uploads through upload/): so share/ registers its target with the runtime
 * (runtime/byte-routes.ts) instead of upload/ importing share/.
 */
export interface DropTarget<V extends object = object> {
  /** The visitor a request's link token names, or null when the request carries none. */
  authenticate(headers: HeadersLike, ip: string | null): Promise<V | null>;
  /** The visitor's own upload session for a later request (HEAD, PATCH, DELETE), or throws. */
  requireSession(input: { visitor: V; uploadId: string }): Promise<{ status: string }>;
  createSession(input: { visitor: V; uploadId: string; size: number | null; metadata: Record<string, string | null> }): Promise<unknown>;
  /** After the drop was committed as a file in the link's folder. */
  recordDrop(input: { visitor: V; nodeId: string; filename: string; size: number; metadata: Record<string, string | null> | undefined }): Promise<unknown>;
}

// On globalThis like the tus server itself, so every module graph of the process sees one target.
const KEY = Symbol.for("yunpan.dropTarget");
type G = typeof globalThis & { [KEY]?: DropTarget };

export function registerDropTarget<V extends object>(target: DropTarget<V>): void {
  (globalThis as G)[KEY] = target as unknown as DropTarget;
}

/** The registered target; without one, no request is a drop (a token alone never signs anyone in). */
export function dropTarget(): DropTarget | null {
  return (globalThis as G)[KEY] ?? null;
}
