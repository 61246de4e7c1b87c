// Adds up the JSON reports of vitest and Playwright into one closing line: "N passed, N failed".
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const report = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
  let p, f, s;
  if (report.stats && "expected" in report.stats) {
    ({ expected: p, unexpected: f, skipped: s } = report.stats);
    p += report.stats.flaky ?? 0;
  } else {
    p = report.numPassedTests;
    f = report.numFailedTests;
    s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
  console.log(`${file.replace(/\.json$/, "").padEnd(14)} ${p} passed, ${f} failed, ${s} skipped`);
  passed += p;
  failed += f;
  skipped += s;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
