import { InspectError } from "../errors";
import type { RandomAccessReader } from "../reader";
import type { DirEntry, FileStat, FileSystem, FileType } from "./file-system";

/** Linux gives up after 40 symlinks in one lookup (MAXSYMLINKS); so do we. */
export const MAX_SYMLINKS = 40;
const MAX_COMPONENTS = 4096;

interface Frame {
  fs: FileSystem;
  ref: unknown;
  name: string;
}

export type Resolution =
  | { ok: true; fs: FileSystem; ref: unknown; stat: FileStat; path: string }
  | { ok: false; reason: "not-found" | "not-a-directory" | "symlink-loop"; path: string };

export interface GuestDirEntry {
  name: string;
  type: FileType;
}

const pathOf = (stack: Frame[]) =>
  `/${stack
    .slice(1)
    .map((frame) => frame.name)
    .join("/")}`;

function split(path: string): string[] {
  return path.split("/").filter((part) => part !== "" && part !== ".");
}

/**
 * The guest's directory tree, read-only: one root file system plus the file
 * systems mounted under it (/boot, /boot/efi, ...). Paths are guest paths:
 * symlinks resolve inside the guest, an absolute target is relative to the
 * guest root, ".." never climbs above it, and a lookup gives up after
 * MAX_SYMLINKS links, so no link can point at the host or loop forever.
 */
export class GuestFs {
  private readonly mounts = new Map<string, FileSystem>();

  constructor(readonly rootFs: FileSystem) {}

  /** Mounts `fs` at the guest directory `path` (which should exist on the file system below). */
  mount(path: string, fs: FileSystem): void {
    this.mounts.set(`/${split(path).join("/")}`, fs);
  }

  mountPoints(): string[] {
    return [...this.mounts.keys()].sort();
  }

  /** Resolves a guest path; `follow` decides whether a symlink in the last component is followed. */
  async resolve(path: string, follow = true): Promise<Resolution> {
    const stack: Frame[] = [{ fs: this.rootFs, ref: this.rootFs.root(), name: "" }];
    const pending = split(path).reverse();
    let links = 0;
    let steps = 0;
    let stat = await this.rootFs.stat(stack[0].ref);
    while (pending.length > 0) {
      if (++steps > MAX_COMPONENTS) throw new InspectError("limit", `Resolving ${path} needs more than ${MAX_COMPONENTS} steps.`);
      const name = pending.pop() as string;
      if (name === "..") {
        if (stack.length > 1) stack.pop();
        const top = stack[stack.length - 1];
        stat = await top.fs.stat(top.ref);
        continue;
      }
      if (stat.type !== "directory") return { ok: false, reason: "not-a-directory", path: pathOf(stack) };
      const parent = stack[stack.length - 1];
      const ref = await parent.fs.lookup(parent.ref, name);
      if (ref === null) return { ok: false, reason: "not-found", path: `${pathOf(stack)}/${name}`.replace(/^\/\//, "/") };
      stack.push({ fs: parent.fs, ref, name });
      const mounted = this.mounts.get(pathOf(stack));
      if (mounted) stack[stack.length - 1] = { fs: mounted, ref: mounted.root(), name };
      const top = stack[stack.length - 1];
      stat = await top.fs.stat(top.ref);
      if (stat.type === "symlink" && (pending.length > 0 || follow)) {
        if (++links > MAX_SYMLINKS) return { ok: false, reason: "symlink-loop", path: pathOf(stack) };
        const target = await top.fs.readlink(top.ref);
        stack.pop();
        if (target.startsWith("/")) stack.length = 1;
        pending.push(...split(target).reverse());
        const base = stack[stack.length - 1];
        stat = await base.fs.stat(base.ref);
      }
    }
    const top = stack[stack.length - 1];
    return { ok: true, fs: top.fs, ref: top.ref, stat, path: pathOf(stack) };
  }

  /** The file's metadata, following symlinks; null when it does not resolve. */
  async stat(path: string): Promise<FileStat | null> {
    const found = await this.resolve(path);
    return found.ok ? found.stat : null;
  }

  /** The metadata of the path itself (a symlink is not followed); null when it does not resolve. */
  async lstat(path: string): Promise<FileStat | null> {
    const found = await this.resolve(path, false);
    return found.ok ? found.stat : null;
  }

  async exists(path: string): Promise<boolean> {
    return (await this.resolve(path)).ok;
  }

  /** The canonical guest path (every symlink resolved), or null. */
  async realpath(path: string): Promise<string | null> {
    const found = await this.resolve(path);
    return found.ok ? found.path : null;
  }

  async readlink(path: string): Promise<string | null> {
    const found = await this.resolve(path, false);
    if (!found.ok || found.stat.type !== "symlink") return null;
    return found.fs.readlink(found.ref);
  }

  /** The entries of a directory (after following symlinks), or null when it is not one. */
  async readdir(path: string): Promise<GuestDirEntry[] | null> {
    const found = await this.resolve(path);
    if (!found.ok || found.stat.type !== "directory") return null;
    const { fs } = found;
    const entries: DirEntry<unknown>[] = await fs.readdir(found.ref);
    return Promise.all(entries.map(async (entry) => ({ name: entry.name, type: entry.type ?? (await fs.stat(entry.ref)).type })));
  }

  /** A regular file as a random-access reader (large files such as an initramfs are read piece by piece). */
  async open(path: string): Promise<RandomAccessReader | null> {
    const found = await this.resolve(path);
    if (!found.ok || found.stat.type !== "file") return null;
    const { fs, ref } = found;
    const size = found.stat.size;
    return { size, read: (offset, length) => fs.read(ref, offset, Math.max(0, Math.min(length, size - offset))) };
  }

  /** A whole regular file, refusing files above `maxBytes`; null when it is missing or not a file. */
  async readFile(path: string, maxBytes = 4 * 1024 * 1024): Promise<Uint8Array | null> {
    const file = await this.open(path);
    if (!file) return null;
    if (file.size > maxBytes) throw new InspectError("limit", `${path} is ${file.size} bytes, more than the ${maxBytes} this check reads.`);
    return file.read(0, file.size);
  }

  /** A text file decoded as UTF-8 (invalid bytes replaced), or null. */
  async readText(path: string, maxBytes?: number): Promise<string | null> {
    const bytes = await this.readFile(path, maxBytes);
    return bytes === null ? null : new TextDecoder("utf-8").decode(bytes);
  }
}
