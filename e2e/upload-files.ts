import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import { fixtureFamily } from "../lib/testing/fixtures";
import { testDir } from "../lib/testing/test-dir";

/** Files the upload tests send, generated on the spot (never committed). */
export const UPLOAD_FILES = path.join(testDir, "upload-files");

export function sha256Of(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/**
 * A QCOW2 from a guest fixture family (`guests`, or `windows`), copied under `name`: by default a
 * Debian 12 guest that passes validation (a GPT disk with an ext4 root, cloud-init and the virtio
 * drivers). The reason instead when a tool the fixtures need is not installed. Playwright's global
 * setup builds them.
 */
export function guestQcow2(name: string, fixture = "debian12-gpt-ext4.qcow2", family = "guests"): { file: string } | { skipped: string } {
  const guests = fixtureFamily(family);
  if (guests.skipped) return { skipped: guests.skipped };
  fs.mkdirSync(UPLOAD_FILES, { recursive: true });
  const file = path.join(UPLOAD_FILES, `${name}.qcow2`);
  fs.copyFileSync(guests.file(fixture), file);
  return { file };
}

/** An empty dynamic VHD (Hyper-V, Azure): Hangar takes it and converts it on the server. */
export function makeVhd(name: string): string {
  fs.mkdirSync(UPLOAD_FILES, { recursive: true });
  const vhd = path.join(UPLOAD_FILES, `${name}.vhd`);
  fs.rmSync(vhd, { force: true });
  execFileSync("qemu-img", ["create", "-q", "-f", "vpc", vhd, "256M"]);
  return vhd;
}

/** A gzip-compressed raw disk, as distributions publish them: Hangar refuses it with the command that unpacks it. */
export function makeGzipped(name: string): string {
  fs.mkdirSync(UPLOAD_FILES, { recursive: true });
  const raw = path.join(UPLOAD_FILES, `${name}.raw`);
  fs.writeFileSync(raw, Buffer.alloc(4 << 20));
  execFileSync("gzip", ["-f", raw]);
  return `${raw}.gz`;
}

/** `size` bytes of random data (incompressible), written in blocks. */
export function makeRandomFile(name: string, size: number): string {
  fs.mkdirSync(UPLOAD_FILES, { recursive: true });
  const file = path.join(UPLOAD_FILES, name);
  if (fs.existsSync(file) && fs.statSync(file).size === size) return file;
  const out = fs.openSync(file, "w");
  for (let written = 0; written < size; written += 8 << 20) fs.writeSync(out, randomBytes(Math.min(8 << 20, size - written)));
  fs.closeSync(out);
  return file;
}

/** Drops files on an element the way a file manager does: dragenter, dragover, drop with a DataTransfer of Files. */
export async function dropFiles(page: Page, target: Locator, files: string[]): Promise<void> {
  const payload = files.map((file) => ({ name: path.basename(file), data: fs.readFileSync(file).toString("base64") }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.data), (char) => char.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: "application/octet-stream" }));
    }
    return transfer;
  }, payload);
  for (const type of ["dragenter", "dragover", "drop"]) await target.dispatchEvent(type, { dataTransfer });
}
