// Renders public/icon.svg into the PNG icons and favicon.ico of public/ with Chromium (the one the
// e2e tests use). Run after changing the SVG: npx tsx scripts/make-icons.ts
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const publicDir = path.resolve("public");
const svg = fs.readFileSync(path.join(publicDir, "icon.svg"), "utf8");
// Apple's home-screen icons are square and opaque (the system rounds them): the same mark, full bleed.
const square = svg.replace('rx="7"', 'rx="0"');

const executablePath = fs.existsSync(chromium.executablePath())
  ? undefined
  : ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((file) => fs.existsSync(file));
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
const page = await browser.newPage();

async function png(source: string, size: number): Promise<Buffer> {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${source.replace("<svg ", `<svg width="${size}" height="${size}" `)}</body></html>`,
  );
  return page.locator("svg").screenshot({ omitBackground: true });
}

/** An ICO holding PNG images (every browser since IE Vista reads them). */
function ico(images: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size % 256, 0);
    entry.writeUInt8(size % 256, 1);
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((image) => image.data)]);
}

fs.writeFileSync(path.join(publicDir, "icon-192.png"), await png(svg, 192));
fs.writeFileSync(path.join(publicDir, "icon-512.png"), await png(svg, 512));
fs.writeFileSync(path.join(publicDir, "apple-touch-icon.png"), await png(square, 180));
const favicons: { size: number; data: Buffer }[] = [];
// One page renders them: one at a time.
for (const size of [16, 32, 48]) favicons.push({ size, data: await png(svg, size) });
fs.writeFileSync(path.join(publicDir, "favicon.ico"), ico(favicons));
await browser.close();
console.log(`icons written to ${publicDir}`);
