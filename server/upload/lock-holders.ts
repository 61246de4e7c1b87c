import type { Lock, Locker } from "@tus/utils";

/**
 * Which request holds each upload's lock in this process. tus calls the store (declareUploadLength,
 * write) under the upload's lock but without the request; the store's checks that need the
 * request's headers (its body length) find it here. tus takes a locker per request when `locker`
 * is a function, which is what `lockerFor` gives it.
 */
export function trackLockHolders(locker: Locker) {
  const holders = new Map<string, Request>();
  return {
    lockerFor(req: Request): Locker {
      return {
        newLock(id: string): Lock {
          const lock = locker.newLock(id);
          return {
            async lock(signal, cancelReq) {
              await lock.lock(signal, cancelReq);
              holders.set(id, req);
            },
            async unlock() {
              if (holders.get(id) === req) holders.delete(id);
              await lock.unlock();
            },
          };
        },
      };
    },
    /** The request holding the upload's lock, if one in this process does. */
    holder(id: string): Request | undefined {
      return holders.get(id);
    },
  };
}

/** The request body's declared length, or null (chunked, or no request). */
export function bodyLengthOf(req: Request | undefined): number | null {
  const value = req?.headers.get("content-length");
  return value && /^\d+$/.test(value) ? Number(value) : null;
}
