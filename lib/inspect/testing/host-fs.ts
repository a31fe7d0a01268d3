import fs from "node:fs/promises";
import path from "node:path";
import type { DirEntry, FileStat, FileSystem, FileType } from "../fs/file-system";
import type { FileSystemKind } from "../report";

const typeOf = (stats: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): FileType =>
  stats.isSymbolicLink() ? "symlink" : stats.isDirectory() ? "directory" : stats.isFile() ? "file" : "other";

/**
 * A FileSystem over a directory of the test machine, for the guest-tree
 * fixtures (scripts/fixtures/30-guest-trees.sh). A ref is a path relative to
 * that directory; it never follows a symlink itself (lstat, readlink), so
 * GuestFs resolves every link inside the guest exactly as it does on a disk
 * image. Test-only: lib/inspect reads real guests through the disk readers.
 */
export class HostDirectoryFileSystem implements FileSystem<string> {
  readonly uuid: string | null = null;
  readonly label: string | null = null;
  /** Every host path opened, so a test can assert nothing outside the tree was touched. */
  readonly opened: string[] = [];

  constructor(
    readonly dir: string,
    readonly kind: FileSystemKind = "ext4",
  ) {}

  private host(ref: string): string {
    const full = path.join(this.dir, ref);
    if (full !== this.dir && !full.startsWith(this.dir + path.sep)) throw new Error(`ref ${ref} leaves ${this.dir}`);
    this.opened.push(full);
    return full;
  }

  root(): string {
    return "";
  }

  async stat(ref: string): Promise<FileStat> {
    const stats = await fs.lstat(this.host(ref));
    return { type: typeOf(stats), size: stats.size, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, mtime: Math.floor(stats.mtimeMs / 1000) };
  }

  async readdir(dir: string): Promise<DirEntry<string>[]> {
    const entries = await fs.readdir(this.host(dir), { withFileTypes: true });
    return entries.map((entry) => ({ name: entry.name, ref: path.join(dir, entry.name), type: typeOf(entry) }));
  }

  async lookup(dir: string, name: string): Promise<string | null> {
    if (name.includes("/") || name === ".." || name === ".") throw new Error(`invalid name ${name}`);
    const ref = path.join(dir, name);
    try {
      await fs.lstat(this.host(ref));
      return ref;
    } catch {
      return null;
    }
  }

  async readlink(ref: string): Promise<string> {
    return fs.readlink(this.host(ref));
  }

  async read(ref: string, offset: number, length: number): Promise<Uint8Array> {
    const handle = await fs.open(this.host(ref), "r");
    try {
      const buffer = new Uint8Array(Math.max(0, length));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
}
