import superjson from "superjson";
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { formatBytes, translate, type Locale, type MessageKey, type MessageParams } from "@/server/i18n/messages";

/**
 * Reads a request body of at most `max` bytes, counting while it streams in: a declared
 * Content-Length over the limit is refused before a byte is read, and a body that grows past it
 * stops being read at the first chunk over. The rest is never pulled (the stream is released, not
 * cancelled: cancelling a Node request's stream destroys its socket before the refusal is sent).
 */
export async function readBodyWithin(
  body: ReadableStream<Uint8Array> | null,
  declaredLength: string | null,
  max: number,
): Promise<{ ok: true; bytes: Uint8Array | null } | { ok: false }> {
  if (declaredLength !== null && /^\d+$/.test(declaredLength) && Number(declaredLength) > max) return { ok: false };
  if (!body) return { ok: true, bytes: null };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) return { ok: false };
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes };
}

/** The number of procedure calls a tRPC URL asks for (`/api/trpc/a,b,c?batch=1` is three). */
export function countTrpcCalls(url: URL, endpoint: string): number {
  if (url.searchParams.get("batch") !== "1") return 1;
  return url.pathname.slice(endpoint.length + 1).split(",").length;
}

/**
 * A refusal made before tRPC runs, shaped like tRPC's own error answers (superjson-encoded), so the
 * browser's client shows its message like any other; one object answers every call of a batch.
 */
export function trpcRefusal(input: {
  status: number;
  code: TRPC_ERROR_CODE_KEY;
  key: MessageKey;
  params?: MessageParams;
  locale: Locale;
  headers?: Record<string, string>;
}): Response {
  const message = translate(input.key, input.locale, input.params ?? {});
  const shape = {
    message,
    code: TRPC_ERROR_CODES_BY_KEY[input.code],
    data: { code: input.code, httpStatus: input.status, appCode: input.code, fieldErrors: null },
  };
  return new Response(JSON.stringify({ error: superjson.serialize(shape) }), {
    status: input.status,
    headers: { "Content-Type": "application/json", ...input.headers },
  });
}

export const bodyTooLargeParams = (max: number) => ({ max: formatBytes(max) });
