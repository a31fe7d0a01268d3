// Feature flags of the ext2/3/4 superblock (kernel Documentation/filesystems/ext4/super.rst).

export const COMPAT = {
  HAS_JOURNAL: 0x4,
  DIR_INDEX: 0x20,
  SPARSE_SUPER2: 0x200,
} as const;

export const INCOMPAT = {
  COMPRESSION: 0x1,
  FILETYPE: 0x2,
  RECOVER: 0x4,
  JOURNAL_DEV: 0x8,
  META_BG: 0x10,
  EXTENTS: 0x40,
  BIT64: 0x80,
  MMP: 0x100,
  FLEX_BG: 0x200,
  EA_INODE: 0x400,
  DIRDATA: 0x1000,
  CSUM_SEED: 0x2000,
  LARGEDIR: 0x4000,
  INLINE_DATA: 0x8000,
  ENCRYPT: 0x10000,
  CASEFOLD: 0x20000,
} as const;

export const RO_COMPAT = {
  SPARSE_SUPER: 0x1,
  LARGE_FILE: 0x2,
  BTREE_DIR: 0x4,
  HUGE_FILE: 0x8,
  BIGALLOC: 0x200,
  METADATA_CSUM: 0x400,
} as const;

/**
 * Incompatible features this reader handles. MMP and CSUM_SEED only matter to writers; EA_INODE
 * only to extended attributes (the inline-data attribute never lives in an EA inode); RECOVER is
 * handled by replaying the journal; ENCRYPT and CASEFOLD are handled per directory (encrypted
 * inodes are refused one by one, case-folded directories are searched without their index).
 * Refused: COMPRESSION (an abandoned ext2 patch), JOURNAL_DEV (an external journal, not a file
 * system), DIRDATA (Lustre's extra data in directory entries), and every bit not assigned yet.
 */
export const SUPPORTED_INCOMPAT =
  INCOMPAT.FILETYPE |
  INCOMPAT.RECOVER |
  INCOMPAT.META_BG |
  INCOMPAT.EXTENTS |
  INCOMPAT.BIT64 |
  INCOMPAT.MMP |
  INCOMPAT.FLEX_BG |
  INCOMPAT.EA_INODE |
  INCOMPAT.CSUM_SEED |
  INCOMPAT.LARGEDIR |
  INCOMPAT.INLINE_DATA |
  INCOMPAT.ENCRYPT |
  INCOMPAT.CASEFOLD;

const INCOMPAT_NAMES: Record<number, string> = {
  [INCOMPAT.COMPRESSION]: "compression",
  [INCOMPAT.JOURNAL_DEV]: "journal_dev",
  [INCOMPAT.DIRDATA]: "dirdata",
};

export function incompatNames(bits: number): string[] {
  const names: string[] = [];
  for (let bit = 1; bit !== 0 && bit <= 0x80000000; bit = (bit << 1) >>> 0) {
    if ((bits & bit) >>> 0 === bit) names.push(INCOMPAT_NAMES[bit] ?? `0x${bit.toString(16)}`);
  }
  return names;
}

/** Inode flags (i_flags). */
export const INODE_FLAG = {
  INDEX: 0x1000,
  ENCRYPT: 0x800,
  HUGE_FILE: 0x40000,
  EXTENTS: 0x80000,
  EA_INODE: 0x200000,
  INLINE_DATA: 0x10000000,
  CASEFOLD: 0x40000000,
} as const;
