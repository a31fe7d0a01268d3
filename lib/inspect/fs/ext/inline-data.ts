import { u16le, u32le, u8 } from "../../binary";
import { corrupt } from "./ext-error";
import { iBlock, I_BLOCK_SIZE, type Inode } from "./inode";

const XATTR_MAGIC = 0xea020000;
const XATTR_ENTRY = 16;
/** Attribute name index 7 is the "system." namespace; the inline data continues in system.data. */
const SYSTEM_INDEX = 7;
const DATA_NAME = [0x64, 0x61, 0x74, 0x61];

/**
 * The value of the in-inode extended attribute system.data: the part of inline data that did
 * not fit in i_block. Empty when there is none.
 */
export function inlineContinuation(inode: Inode): Uint8Array {
  const { raw, extraEnd } = inode;
  if (extraEnd === null || extraEnd + 4 > raw.length || u32le(raw, extraEnd) !== XATTR_MAGIC) return new Uint8Array(0);
  const first = extraEnd + 4;
  // Each entry is at least 16 bytes, so this walk ends within the inode.
  for (let at = first; at + 4 <= raw.length && u32le(raw, at) !== 0;) {
    if (at + XATTR_ENTRY > raw.length) throw corrupt(`the attributes of inode ${inode.ino} run past the inode.`);
    const nameLength = u8(raw, at);
    const name = raw.subarray(at + XATTR_ENTRY, at + XATTR_ENTRY + nameLength);
    if (name.length < nameLength) throw corrupt(`an attribute name of inode ${inode.ino} runs past the inode.`);
    if (u8(raw, at + 1) === SYSTEM_INDEX && nameLength === 4 && DATA_NAME.every((byte, i) => name[i] === byte)) {
      if (u32le(raw, at + 4) !== 0) throw corrupt(`the inline data of inode ${inode.ino} claims to live in another inode.`);
      const start = first + u16le(raw, at + 2);
      const size = u32le(raw, at + 8);
      if (start + size > raw.length) throw corrupt(`the inline data of inode ${inode.ino} runs past the inode.`);
      return raw.subarray(start, start + size);
    }
    at += XATTR_ENTRY + ((nameLength + 3) & ~3);
  }
  return new Uint8Array(0);
}

/** The whole inline content of an inode (file data, symlink target or directory entries). */
export function inlineContent(inode: Inode): Uint8Array {
  const head = iBlock(inode).subarray(0, Math.min(I_BLOCK_SIZE, inode.size));
  if (inode.size <= I_BLOCK_SIZE) return head;
  const tail = inlineContinuation(inode);
  if (inode.size > I_BLOCK_SIZE + tail.length) {
    throw corrupt(`inode ${inode.ino} has ${inode.size} bytes of inline data but room for only ${I_BLOCK_SIZE + tail.length}.`);
  }
  const content = new Uint8Array(inode.size);
  content.set(head);
  content.set(tail.subarray(0, inode.size - I_BLOCK_SIZE), I_BLOCK_SIZE);
  return content;
}
