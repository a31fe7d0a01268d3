import type { FileSystemKind } from "../report";

export type FileType = "file" | "directory" | "symlink" | "other";

export interface FileStat {
  type: FileType;
  /** Length in bytes (for a symlink, the length of its target). */
  size: number;
  /** POSIX permission bits (07777), without the file-type bits. */
  mode: number;
  uid: number;
  gid: number;
  /** Modification time in seconds since the epoch. */
  mtime: number;
}

export interface DirEntry<Ref> {
  name: string;
  ref: Ref;
  /** Known from the directory entry itself on most file systems; stat the ref when absent. */
  type?: FileType;
}

/**
 * A read-only file system seen at the inode level. ext2/3/4, XFS and btrfs
 * readers implement it over a RandomAccessReader of their partition; GuestFs
 * adds paths, symlinks and mounts on top. `Ref` is whatever names a file
 * inside that file system (an inode number, a btrfs tree and object id).
 *
 * Every method may throw InspectError ("corrupt", "truncated", "limit",
 * "unsupported"); none may hang or allocate without bound on hostile input.
 */
export interface FileSystem<Ref = unknown> {
  readonly kind: FileSystemKind;
  /** The file system UUID, lowercase with dashes, as /etc/fstab's UUID= names it. */
  readonly uuid: string | null;
  readonly label: string | null;
  /** The root directory. */
  root(): Ref;
  stat(ref: Ref): Promise<FileStat>;
  /** Every entry but "." and "..". */
  readdir(dir: Ref): Promise<DirEntry<Ref>[]>;
  /** The entry `name` of directory `dir`, or null when there is none. */
  lookup(dir: Ref, name: string): Promise<Ref | null>;
  /** A symlink's target, exactly as stored. */
  readlink(ref: Ref): Promise<string>;
  /** Up to `length` bytes of a regular file from `offset`; holes read as zeros. */
  read(ref: Ref, offset: number, length: number): Promise<Uint8Array>;
}
