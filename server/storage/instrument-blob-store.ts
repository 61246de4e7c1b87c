import { BlobNotFoundError, type BlobStore } from "@/server/storage/blob-store";
import { getMetrics } from "@/server/metrics/metrics";

// openChunks counts its opening only: a failed transfer afterwards is mostly a client that left.
const COUNTED = new Set(["adoptUpload", "discardUpload", "read", "openChunks", "head", "delete", "check", "presignGet"]);

/**
 * The same store, with every failed operation counted in yunpan_storage_errors_total. A missing
 * blob is an answer, not a storage error, so BlobNotFoundError is not counted.
 */
export function instrumentBlobStore(store: BlobStore): BlobStore {
  for (const operation of COUNTED) getMetrics().storageErrors.inc({ operation }, 0);
  // One wrapper per operation (remade only if the method is replaced): a closure per call was a
  // cost of every range (issue 15).
  const wrappers = new Map<string, { method: unknown; wrapper: (...args: unknown[]) => unknown }>();
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function" || typeof prop !== "string" || !COUNTED.has(prop)) return value;
      const made = wrappers.get(prop);
      if (made && made.method === value) return made.wrapper;
      const wrapper = (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) {
          return result.catch((e: unknown) => {
            if (!(e instanceof BlobNotFoundError)) getMetrics().storageErrors.inc({ operation: prop });
            throw e;
          });
        }
        return result;
      };
      wrappers.set(prop, { method: value, wrapper });
      return wrapper;
    },
  });
}
