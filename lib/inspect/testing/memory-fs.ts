import type { FileSystemKind } from "../report";
import type { DirEntry, FileStat, FileSystem } from "../fs/file-system";

/** A file tree for tests: a string or bytes is a file, an object a directory, `{ symlink }` a link. */
export type MemoryNode = string | Uint8Array | { symlink: string } | { [name: string]: MemoryNode };

interface Inode {
  stat: FileStat;
  data?: Uint8Array;
  target?: string;
  children?: Map<string, number>;
}

const isLink = (node: MemoryNode): node is { symlink: string } =>
  typeof node === "object" && !(node instanceof Uint8Array) && typeof (node as { symlink?: unknown }).symlink === "string";

/**
 * An in-memory FileSystem, so guest checks and the path layer can be tested
 * without building disk images. The real readers (ext4, XFS, btrfs) are
 * tested against images made by mkfs.
 */
export class MemoryFileSystem implements FileSystem<number> {
  readonly uuid: string | null = null;
  readonly label: string | null = null;
  private readonly inodes: Inode[] = [];

  constructor(
    tree: { [name: string]: MemoryNode },
    readonly kind: FileSystemKind = "ext4",
  ) {
    this.add(tree);
  }

  private add(node: MemoryNode): number {
    const id = this.inodes.length;
    const base = { mode: 0o644, uid: 0, gid: 0, mtime: 0 };
    if (typeof node === "string" || node instanceof Uint8Array) {
      const data = typeof node === "string" ? new TextEncoder().encode(node) : node;
      this.inodes.push({ stat: { ...base, type: "file", size: data.length }, data });
    } else if (isLink(node)) {
      this.inodes.push({ stat: { ...base, mode: 0o777, type: "symlink", size: node.symlink.length }, target: node.symlink });
    } else {
      const children = new Map<string, number>();
      this.inodes.push({ stat: { ...base, mode: 0o755, type: "directory", size: 4096 }, children });
      for (const [name, child] of Object.entries(node)) children.set(name, this.add(child));
    }
    return id;
  }

  private inode(ref: number): Inode {
    if (!Number.isInteger(ref) || ref < 0 || ref >= this.inodes.length) throw new Error(`no inode ${ref}`);
    return this.inodes[ref];
  }

  /** What `answer` gives, as a promise that rejects (not a call that throws) for an unknown ref, as a real file system does. */
  private promise<T>(answer: () => T): Promise<T> {
    return new Promise((resolve) => {
      resolve(answer());
    });
  }

  root(): number {
    return 0;
  }

  stat(ref: number): Promise<FileStat> {
    return this.promise(() => this.inode(ref).stat);
  }

  readdir(dir: number): Promise<DirEntry<number>[]> {
    return this.promise(() =>
      [...(this.inode(dir).children ?? new Map<string, number>())].map(([name, ref]) => ({ name, ref, type: this.inode(ref).stat.type })),
    );
  }

  lookup(dir: number, name: string): Promise<number | null> {
    return this.promise(() => this.inode(dir).children?.get(name) ?? null);
  }

  readlink(ref: number): Promise<string> {
    return this.promise(() => this.inode(ref).target ?? "");
  }

  read(ref: number, offset: number, length: number): Promise<Uint8Array> {
    return this.promise(() => (this.inode(ref).data ?? new Uint8Array(0)).slice(offset, offset + length));
  }
}
