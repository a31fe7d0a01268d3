import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { crc32cUpdate } from "../../../util/crc32c";
import { RO_COMPAT } from "../features";

/**
 * Helpers that damage a copy of a fixture image in memory, for the hostile-image tests. Locations
 * come from debugfs, so the tests do not trust the reader to find what they break.
 */
export const loadImage = (file: string): Uint8Array => new Uint8Array(fs.readFileSync(file));

const view = (image: Uint8Array) => new DataView(image.buffer, image.byteOffset, image.byteLength);

/** Changes superblock fields (offsets within the superblock) and rewrites its checksum when it has one. */
export function patchSuperblock(image: Uint8Array, patch: (superblock: DataView) => void): Uint8Array {
  const superblock = new DataView(image.buffer, image.byteOffset + 1024, 1024);
  patch(superblock);
  if (superblock.getUint32(0x64, true) & RO_COMPAT.METADATA_CSUM) {
    superblock.setUint32(0x3fc, crc32cUpdate(0xffffffff, image, 1024, 1024 + 0x3fc), true);
  }
  return image;
}

export function debugfsLine(image: string, command: string): string {
  return execFileSync("debugfs", ["-R", command, image], { stdio: ["ignore", "pipe", "ignore"] }).toString("utf8");
}

export const blockSizeOf = (image: Uint8Array) => 1024 << view(image).getUint32(1024 + 0x18, true);

/** The byte offset of inode `spec` (a path or <ino>) in the image file, from debugfs imap. */
export function inodeOffset(file: string, image: Uint8Array, spec: string): number {
  const match = /located at block (\d+), offset 0x([0-9a-f]+)/.exec(debugfsLine(file, `imap ${spec}`));
  if (!match) throw new Error(`debugfs cannot locate ${spec}`);
  return Number(match[1]) * blockSizeOf(image) + parseInt(match[2], 16);
}

/** The physical block holding logical block `logical` of `spec`, from debugfs bmap. */
export function physicalBlock(file: string, spec: string, logical: number): number {
  return Number(debugfsLine(file, `bmap ${spec} ${logical}`).trim().split(" ")[0]);
}

export { view };
