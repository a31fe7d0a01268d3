import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../../../testing/fixtures";
import { InspectError } from "../../errors";
import type { RandomAccessReader } from "../../reader";
import type { FileSystem } from "../file-system";
import { crc32c } from "../../util/crc32c";
import { openBtrfsFileSystem } from "./index";
import { fileReader } from "../../../testing/file-reader";
import { prng } from "../../testing/prng";

const fixtures = fixtureFamily("fs-btrfs");
const SUPERBLOCK = 0x10000;

/**
 * Damages what the reader reads: tree blocks get a few random bytes changed
 * and their crc32c recomputed (so the damage passes the checksum and reaches
 * the parser), other reads (file data, compressed extents) get bytes changed.
 * The superblock is left alone so reading goes deep.
 */
function hostile(base: RandomAccessReader, nodeSize: number, seed: number): RandomAccessReader {
  const next = prng(seed);
  return {
    size: base.size,
    async read(offset, length) {
      const bytes = Uint8Array.from(await base.read(offset, length));
      if (offset === SUPERBLOCK || bytes.length === 0 || next() < 0.85) return bytes;
      const isNode = bytes.length === nodeSize;
      for (let n = 1 + Math.floor(next() * 6); n > 0; n--) {
        // Headers and item tables sit at the front of a block: aim most damage there.
        const span = isNode && next() < 0.7 ? Math.min(bytes.length, 600) : bytes.length;
        const at = (isNode ? 32 : 0) + Math.floor(next() * (span - (isNode ? 32 : 0)));
        bytes[at] = next() < 0.3 ? 0xff : Math.floor(next() * 256);
      }
      if (isNode) new DataView(bytes.buffer).setUint32(0, crc32c(bytes, 32), true);
      return bytes;
    },
  };
}

/** Reads everything reachable, within a budget, so a directory cycle in the damage cannot run forever. */
async function walk<Ref>(fileSystem: FileSystem<Ref>, dir: Ref, depth: number, budget: { entries: number }): Promise<void> {
  if (depth > 12) return;
  for (const entry of await fileSystem.readdir(dir)) {
    if (--budget.entries < 0) return;
    await fileSystem.lookup(dir, entry.name);
    const stat = await fileSystem.stat(entry.ref);
    if (stat.type === "file") await fileSystem.read(entry.ref, 0, Math.min(stat.size, 1 << 20));
    else if (stat.type === "symlink") await fileSystem.readlink(entry.ref);
    else if (stat.type === "directory") await walk(fileSystem, entry.ref, depth + 1, budget);
  }
}

describe.skipIf(fixtures.skipped)(`btrfs reader on damaged metadata and data (fixtures: ${fixtures.skipped ?? "built"})`, () => {
  it.each([
    ["holes.img", 16384],
    ["lzo.img", 16384],
    ["zstd.img", 16384],
    ["bigdir.img", 4096],
  ])("%s: every damage ends in a result or an InspectError, never another error or a hang", async (image, nodeSize) => {
    const outcomes = { ok: 0, inspectError: 0 };
    for (let seed = 1; seed <= 80; seed++) {
      try {
        const fileSystem = await openBtrfsFileSystem(hostile(fileReader(fixtures.file(image)), nodeSize, seed));
        if (fileSystem) {
          await walk(fileSystem, fileSystem.root(), 0, { entries: 150 });
          for (const subvolume of await fileSystem.subvolumes()) await fileSystem.subvolumeById(subvolume.id);
        }
        outcomes.ok++;
      } catch (error) {
        if (!(error instanceof InspectError)) throw new Error(`seed ${seed}: ${String(error)}`, { cause: error });
        outcomes.inspectError++;
      }
    }
    // The damage is real: most runs meet it.
    expect(outcomes.inspectError).toBeGreaterThan(10);
  });
});
