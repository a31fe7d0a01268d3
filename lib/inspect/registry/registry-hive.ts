import type { RandomAccessReader } from "../reader";
import { HiveCells, type HiveHeader } from "./hive";
import { RegistryKey } from "./key";
import { REGF } from "./regf-errors";

/** A path has at most this many components (Windows allows 512 levels). */
const MAX_DEPTH = 512;

/** A registry hive file (SYSTEM, SOFTWARE, a user's NTUSER.DAT, a BCD store), read-only. */
export class RegistryHive {
  private constructor(
    private readonly cells: HiveCells,
    private readonly rootKey: RegistryKey,
  ) {}

  /** Opens a hive: checks the base block (signature, checksum, version) and the first bin, and reads the root key. */
  static async open(reader: RandomAccessReader, what = "hive"): Promise<RegistryHive> {
    const cells = await HiveCells.open(reader, what);
    return new RegistryHive(cells, await RegistryKey.at(cells, cells.header.rootCell));
  }

  get header(): HiveHeader {
    return this.cells.header;
  }

  root(): RegistryKey {
    return this.rootKey;
  }

  /** The key at `path` below the root ("ControlSet001\Services\viostor", case-insensitive), or null. */
  async key(path: string): Promise<RegistryKey | null> {
    const parts = path.split("\\").filter(Boolean);
    if (parts.length > MAX_DEPTH) throw REGF.too_many({ what: this.cells.what, detail: `the path ${path} has ${parts.length} levels`, limit: MAX_DEPTH });
    let key: RegistryKey | null = this.rootKey;
    for (const part of parts) {
      key = await key.subkey(part);
      if (!key) return null;
    }
    return key;
  }
}
