/**
 * Guest inspection benchmark: `npm run bench:guest`.
 *
 * A 4 GiB Debian 12 disk made from a full debootstrap root (scripts/bench/guest-image.sh, cached
 * outside the repository), as raw and as qcow2. For each: the wall time and the bytes read by
 * inspectImage (format checks plus guest checks, what `hangar inspect` does) and by the guest
 * checks alone, median of several runs; then, in the same run, libguestfs' virt-inspector on the
 * same file, and the ratio. Also a baseline of this machine's disk: reading 64 MiB of the file.
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { inspectAll, inspectGuestOnly, measure, mib, ms, sequentialRead, virtInspector, MiB } from "./guest-measure";

async function main(): Promise<void> {
  const dir = execFileSync("bash", [path.join(import.meta.dirname, "guest-image.sh")], { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim();
  const rows: string[] = [];
  const notes: string[] = [];
  for (const [name, format] of [
    ["debian12.raw", "raw"],
    ["debian12.qcow2", "qcow2"],
  ] as const) {
    const file = path.join(dir, name);
    const all = await measure(() => inspectAll(file));
    const guest = await measure(() => inspectGuestOnly(file));
    const disk = await sequentialRead(file, 64 * MiB);
    const vi = virtInspector(file, format);
    const viText = "error" in vi ? "could not run" : `${(vi.ms / 1000).toFixed(1)} s (${vi.mode})`;
    const ratio = "error" in vi ? "-" : `${(vi.ms / all.ms).toFixed(0)}x`;
    if ("error" in vi) notes.push(`${name}: virt-inspector: ${vi.error}`);
    rows.push(
      `| ${name} | ${ms(all.ms)} (CPU ${ms(all.cpuMs)}) | ${mib(all.bytes)} in ${all.reads} reads | ${ms(guest.ms)} (CPU ${ms(guest.cpuMs)}) | ${mib(guest.bytes)} | ${ms(disk)} | ${viText} | ${ratio} |`,
    );
  }
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(", ")} (2 cores shared)`,
  );
  console.log("| image (4 GiB virtual) | inspectImage, median of 5 | read | guest checks alone | read | baseline: reading 64 MiB | virt-inspector | ratio |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  for (const note of notes) console.log(`\n${note}`);
}

await main();
