/**
 * Windows guest inspection benchmark: `npm run bench:windows`.
 *
 * The Windows fixture with a 3,000-entry WinSxS (scripts/fixtures/50-windows.sh, win2022-uefi:
 * GPT with ESP, MSR, NTFS C: and recovery, as qcow2): the wall time, CPU time and bytes read of
 * inspectImage (format checks and every Windows check, what `hangar inspect` does) and of the
 * guest checks alone, median of several runs; then libguestfs' virt-inspector on the same file.
 * The goal (issue 17): under 300 ms and under 16 MiB read.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fixtureFamily } from "../../lib/testing/fixtures";
import { inspectAll, inspectGuestOnly, measure, mib, ms, virtInspector } from "./guest-measure";

const GOAL = { ms: 300, bytes: 16 * 1024 * 1024 };

async function main(): Promise<void> {
  execFileSync("bash", [path.join(import.meta.dirname, "../fixtures/build.sh")], { stdio: ["ignore", "ignore", "inherit"] });
  const family = fixtureFamily("windows");
  if (family.skipped) throw new Error(`the Windows fixtures could not be built: ${family.skipped}`);
  const file = family.file("win2022-uefi.qcow2");
  // One run first, so the figures are of warm code, as a server's are.
  await inspectAll(file);
  const all = await measure(() => inspectAll(file));
  const guest = await measure(() => inspectGuestOnly(file));
  const vi = virtInspector(file, "qcow2");
  const viText = "error" in vi ? "could not run" : `${(vi.ms / 1000).toFixed(1)} s (${vi.mode})`;
  const ratio = "error" in vi ? "-" : `${(vi.ms / all.ms).toFixed(0)}x`;
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(", ")} (2 cores shared)`,
  );
  console.log("| image | inspectImage, median of 5 | read | guest checks alone | read | virt-inspector | ratio |");
  console.log("|---|---|---|---|---|---|---|");
  console.log(
    `| win2022-uefi.qcow2 (3,000-entry WinSxS) | ${ms(all.ms)} (CPU ${ms(all.cpuMs)}) | ${mib(all.bytes)} in ${all.reads} reads | ${ms(guest.ms)} (CPU ${ms(guest.cpuMs)}) | ${mib(guest.bytes)} | ${viText} | ${ratio} |`,
  );
  if ("error" in vi) console.log(`\nvirt-inspector: ${vi.error}`);
  const met = all.ms < GOAL.ms && all.bytes < GOAL.bytes;
  console.log(`\ngoal (under ${GOAL.ms} ms and ${mib(GOAL.bytes)}): ${met ? "met" : "NOT met"}`);
}

await main();
