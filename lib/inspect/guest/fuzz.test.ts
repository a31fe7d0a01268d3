import { describe, expect, it } from "vitest";
import { fileReader, recordingReader } from "../../testing/file-reader";
import { fixtureFamily } from "../../testing/fixtures";
import { patchedReader } from "../../testing/patched-reader";
import { openGuestDisk } from "../disk/open-guest-disk";
import { inspectFormat } from "../inspect-format";
import type { RandomAccessReader } from "../reader";
import { GUEST_CHECK_IDS } from "./checks";
import { WINDOWS_REPORT_IDS } from "./windows/checks";
import { inspectGuest } from "./inspect-guest";
import { prng } from "../testing/prng";

const guests = fixtureFamily("guests");
const MUTANTS = Number(process.env.GUEST_FUZZ_MUTANTS ?? 60);
const IMAGES = [
  "debian12-gpt-ext4.raw",
  "rhel9-dirty-whole-xfs.raw",
  "ubuntu2404-gpt-btrfs.zlib.qcow2",
  "rhel9-gpt-lvm.qcow2",
  "windows.qcow2",
  "debian12-dirty-mbr-ext4.qcow2",
];

describe.skipIf(guests.skipped)("guest inspection of corrupted disks", () => {
  for (const name of IMAGES) {
    it(`${name}: ${MUTANTS} copies with bytes changed where a clean inspection reads never throw, hang or lose a check`, async () => {
      const file = fileReader(guests.file(name));
      try {
        const { info } = await inspectFormat(file, { depth: "format", maxVirtualSize: 2 ** 44, fileName: name }, () => {});
        const disk = openGuestDisk(file, info);
        // The ranges a clean inspection reads are the metadata that matters: superblocks, inodes, directories, tables.
        const recorded = recordingReader(disk);
        await inspectGuest(recorded, info);
        const ranges = recorded.reads.filter((r) => r.length > 0);
        const seed = Math.floor(Math.random() * 2 ** 32);
        const next = prng(seed);
        for (let mutant = 0; mutant < MUTANTS; mutant++) {
          const patches: { offset: number; bytes: Uint8Array }[] = [];
          for (let n = 1 + Math.floor(next() * 8); n > 0; n--) {
            const range = ranges[Math.floor(next() * ranges.length)];
            const length = 1 + Math.floor(next() * 8);
            const bytes = new Uint8Array(length).map(() => (next() < 0.3 ? [0, 0xff, 0x7f, 0x80][Math.floor(next() * 4)] : Math.floor(next() * 256)));
            patches.push({ offset: range.offset + Math.floor(next() * range.length), bytes });
          }
          const broken: RandomAccessReader = patchedReader(disk, patches);
          const context = `${name}, seed ${seed}, mutant ${mutant}`;
          const result = await inspectGuest(broken, info).catch((error: unknown) => {
            throw new Error(`${context}: ${error instanceof Error ? error.stack : String(error)}`);
          });
          expect(
            result.checks.map((c) => c.id),
            context,
          ).toEqual(result.guest.osType === "windows" ? WINDOWS_REPORT_IDS : GUEST_CHECK_IDS);
          for (const check of result.checks) expect(["pass", "warn", "fail", "skip"], context).toContain(check.status);
        }
      } finally {
        file.close();
      }
    }, 180_000);
  }
});
