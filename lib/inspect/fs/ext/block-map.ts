/** Consecutive logical blocks of a file that map the same way. */
export interface BlockRun {
  /** The physical block of the first logical block; null for a hole or an unwritten extent (both read as zeros). */
  physical: number | null;
  /** How many blocks (at least 1) from the one asked for map this way; may be Infinity for a trailing hole. */
  length: number;
}

/** Logical-to-physical block mapping of one inode: an extent tree or classic block pointers. */
export interface BlockMap {
  /** The run starting at logical block `logical`; `max` is how far the caller will read (a hint). */
  run(logical: number, max: number): Promise<BlockRun>;
}
