import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../../../testing/fixtures";
import { dxHash } from "./dx-hash";
import { runDebugfs } from "./testing/debugfs";

const family = fixtureFamily("fs-ext");

const NAMES = [
  "a",
  "hello",
  "os-release",
  "entry-00050-x-é日本",
  "ÿÿÿÿ-bytes-above-0x7f",
  "exactly-sixteen!",
  "a-name-longer-than-thirty-two-bytes-so-it-takes-two-rounds",
  "n".repeat(255),
];
const SEEDS = ["00000000-0000-0000-0000-000000000000", "3a8e6a32-6f7b-4e0c-9c51-2b0b9d3f7c11"];

/** s_hash_seed holds the UUID's bytes; the hash reads them as four little-endian words. */
function seedWords(uuid: string): number[] {
  const bytes = Buffer.from(uuid.replace(/-/g, ""), "hex");
  return [0, 4, 8, 12].map((at) => bytes.readUInt32LE(at));
}

describe.skipIf(family.skipped)("htree name hashes", () => {
  it("match debugfs dx_hash for every version, signed and unsigned, with and without a seed", () => {
    const cases = NAMES.flatMap((name) => SEEDS.flatMap((seed) => [0, 1, 2, 3, 4, 5].map((version) => ({ name, seed, version }))));
    const command = ({ name, seed, version }: (typeof cases)[number]) => `dx_hash -h ${version} -s ${seed} "${name}"`;
    const oracle = runDebugfs(family.file("ext4.img"), cases.map(command));
    for (const entry of cases) {
      const output = oracle.get(command(entry))?.toString("utf8") ?? "";
      const expected = /is 0x([0-9a-f]+)/.exec(output);
      expect(expected, `debugfs output for ${command(entry)}: ${output}`).not.toBeNull();
      const ours = dxHash(new TextEncoder().encode(entry.name), entry.version, seedWords(entry.seed));
      expect(ours?.toString(16), command(entry)).toBe(expected?.[1]);
    }
  });

  it("refuses versions it does not know", () => {
    expect(dxHash(new TextEncoder().encode("x"), 6, [0, 0, 0, 0])).toBeNull();
  });
});
