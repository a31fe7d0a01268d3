/**
 * Windows guest inspection benchmark: `npm run bench:windows`.
 *
 * The Windows fixture with a 3,000-entry WinSxS (scripts/fixtures/50-windows.sh, win2022-uefi:
 * GPT with ESP, MSR, NTFS C: and recovery, as qcow2): the wall time, CPU time and bytes read of
 * what `hangar inspect` does (format checks and every Windows check) and of the guest checks
 * alone, median of several runs after one that warms up; then libguestfs' virt-inspector on the
 * same file. The goal: under 300 ms and under 16 MiB read.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { NODE_CODECS } from "../../lib/inspect/node-codecs";
import { fixtureFamily } from "../../lib/testing/fixtures";
import { bytesOf, inspect, inspectGuestOnly, loadAverage, measure, mib, ms, RUNS, virtInspector, type Reads } from "./guest-measure";

const GOAL = { ms: 300, bytes: 16 * 1024 * 1024 };

async function main(): Promise<void> {
  execFileSync("bash", [path.join(import.meta.dirname, "../fixtures/build.sh")], { stdio: ["ignore", "ignore", "inherit"] });
  const family = fixtureFamily("windows");
  if (family.skipped) throw new Error(`the Windows fixtures could not be built: ${family.skipped}`);
  const file = family.file("win2022-uefi.qcow2");
  const loadBefore = loadAverage();
  // One run of each first, so the figures are of warm code, as a server's are; it records the reads.
  const reads: Reads = [];
  await inspect(file, NODE_CODECS, reads);
  const guestReads: Reads = [];
  await inspectGuestOnly(file, NODE_CODECS, guestReads);
  const all = await measure(() => inspect(file, NODE_CODECS));
  const guest = await measure(() => inspectGuestOnly(file, NODE_CODECS));
  const vi = virtInspector(file, "qcow2");
  const viText = "error" in vi ? "could not run" : `${(vi.ms / 1000).toFixed(1)} s (${vi.mode})`;
  const ratio = "error" in vi ? "-" : `${(vi.ms / all.ms).toFixed(0)}x`;
  console.log(`load average: ${loadBefore} at the start, ${loadAverage()} at the end (${os.cpus().length} cores); median of ${RUNS} runs`);
  console.log("| image | hangar inspect | read | guest checks alone | read | virt-inspector | ratio |");
  console.log("|---|---|---|---|---|---|---|");
  console.log(
    `| win2022-uefi.qcow2 (3,000-entry WinSxS) | ${ms(all.ms)} (CPU ${ms(all.cpuMs)}) | ${mib(bytesOf(reads))} in ${reads.length} reads | ${ms(guest.ms)} (CPU ${ms(guest.cpuMs)}) | ${mib(bytesOf(guestReads))} | ${viText} | ${ratio} |`,
  );
  if ("error" in vi) console.log(`\nvirt-inspector: ${vi.error}`);
  const met = all.ms < GOAL.ms && bytesOf(reads) < GOAL.bytes;
  console.log(`\ngoal (under ${GOAL.ms} ms and ${mib(GOAL.bytes)}): ${met ? "met" : "NOT met"}`);
}

await main();
