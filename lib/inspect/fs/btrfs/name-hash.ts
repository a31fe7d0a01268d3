import { crc32cUpdate } from "../../util/crc32c";

/** btrfs_name_hash(): the key offset of a DIR_ITEM, crc32c seeded with ~1 and not inverted. */
export function btrfsNameHash(name: Uint8Array): number {
  return crc32cUpdate(0xfffffffe, name);
}
