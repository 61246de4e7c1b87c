// Makes the PNG app icons in public/ from public/favicon.svg (the logo's mark). Run by hand when
// the mark changes (`node scripts/make-icons.mjs`); the small PNGs are committed as assets.
// Home-screen icons get no rounded corners or transparency: the phone applies its own mask.
import { readFileSync } from "node:fs";
import sharp from "sharp";

const svg = readFileSync("public/favicon.svg", "utf8");
// The full-bleed square behind the mark, for icons the launcher crops (maskable, apple-touch).
const square = svg.replace('rx="8"', 'rx="0"');
const outputs = [
  ["public/favicon-32.png", 32, svg],
  ["public/apple-touch-icon.png", 180, square],
  ["public/icon-192.png", 192, square],
  ["public/icon-512.png", 512, square],
];
for (const [file, size, source] of outputs) {
  await sharp(Buffer.from(source), { density: (72 * size) / 32 }).resize(size, size).png({ compressionLevel: 9 }).toFile(file);
  console.log(file, size);
}
