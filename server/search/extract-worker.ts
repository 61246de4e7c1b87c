import { parentPort } from "node:worker_threads";
import { extractText } from "@/server/search/extract-core";
import { bigramColumns, intArrayLiteral, splitForIndex } from "@/server/search/tokenize";
import type { ExtractRequest, ExtractResponse } from "@/server/search/extractor";

// The extraction thread: one file at a time, told by the main thread, which kills and replaces
// it when it runs too long or out of memory (a hostile file can do either).
const utf8 = new TextEncoder();

parentPort?.on("message", async (req: ExtractRequest) => {
  let res: ExtractResponse;
  const transfer: ArrayBuffer[] = [];
  try {
    const out = await extractText(req.format, req.bytes, req.maxBytes);
    if (out.ok) {
      const { latin, words, bigrams } = splitForIndex(out.text);
      const { codes, hashes } = bigramColumns(bigrams);
      res = { id: req.id, ok: true, text: utf8.encode(out.text), latin: utf8.encode(latin), words: words.join(" "), bigrams: intArrayLiteral(codes), bigramHashes: intArrayLiteral(hashes) };
      transfer.push(res.text.buffer as ArrayBuffer, res.latin.buffer as ArrayBuffer);
    } else res = { id: req.id, ok: false, reason: out.reason, detail: out.detail };
  } catch (e) {
    res = { id: req.id, ok: false, reason: "malformed", detail: String((e as Error)?.message ?? e).slice(0, 300) };
  }
  parentPort?.postMessage(res, transfer);
});
