import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";

// A fresh process (this one may have loaded sharp for another test): whether libvips is mapped.
function libvipsMapped(code: string): string {
  const script = `${code}; const { readFileSync } = await import("node:fs"); console.log(/libvips/.test(readFileSync("/proc/self/maps", "utf8")) ? "mapped" : "absent");`;
  return execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" }).trim();
}

it.runIf(process.platform === "linux")("the thumbnail and logo services load sharp (libvips) on first use, not on import", () => {
  expect(libvipsMapped(`await import("./server/thumbnails/thumbnail.service.ts"); await import("./server/settings/site-logo.service.ts")`)).toBe("absent");
  expect(libvipsMapped(`const { loadSharp } = await import("./server/images/load-sharp.ts"); const sharp = await loadSharp(); if (sharp.concurrency() !== 1) throw new Error("concurrency")`)).toBe("mapped");
}, 120_000);
