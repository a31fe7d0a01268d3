// Conversion on the server against qemu-img convert of the same file in the same run: a 4 GiB dynamic VHD
// with 1 GiB of data (random bytes, text and zeros inside written blocks, the rest holes) converted to QCOW2
// by Hangar's converter on a worker thread (lib/convert, as validation runs it, digest computed in the same
// pass, the file fsync'd) and by `qemu-img convert -f vpc -O qcow2`, with its default cache mode for convert
// (unsafe: no flush) and with `-t writeback` (flushed, durable as Hangar's); then the verification read-back
// (the digest of the output). Rounds alternate the three, the median of each is reported, wall and CPU time
// (scripts/bench/measured.ts), and the ratios are qemu-img's time over Hangar's (1.0: as fast; the goal is at least 0.8). Needs qemu-img. BENCH_ROUNDS (3) and BENCH_DIR (os.tmpdir()).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runDiskTask } from "../../lib/convert/run-disk-task";
import { inspectImage } from "../../lib/inspect";
import { openFileReader } from "../../lib/inspect/readers/file";
import { measured, medians, ratio, show, type Timing } from "./measured";
import { writeSparseDisk } from "./sparse-disk";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const work = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), "hangar-bench-convert-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));

/** The source: the benchmark disk (scripts/bench/sparse-disk.ts) as qemu-img writes a dynamic VHD. */
function buildSource(): string {
  const raw = path.join(work, "disk.raw");
  writeSparseDisk(raw);
  const vhd = path.join(work, "disk.vhd");
  execFileSync("qemu-img", ["convert", "-q", "-f", "raw", "-O", "vpc", "-o", "force_size=on", raw, vhd]);
  fs.rmSync(raw);
  return vhd;
}

async function hangar(source: string, out: string): Promise<string> {
  const reader = await openFileReader(source);
  try {
    const info = await inspectImage(reader, { depth: "format" });
    return (await runDiskTask(reader, { kind: "convert", info, out, target: "qcow2" })).digest;
  } finally {
    await reader.close();
  }
}

async function verify(out: string): Promise<string> {
  const reader = await openFileReader(out);
  try {
    return (await runDiskTask(reader, { kind: "digest", info: await inspectImage(reader, { depth: "format" }) })).digest;
  } finally {
    await reader.close();
  }
}

const source = buildSource();
console.log(`source: ${(fs.statSync(source).size / GiB).toFixed(2)} GiB dynamic VHD of a 4 GiB disk, load ${os.loadavg()[0].toFixed(1)}`);
const runs = { qemu: [] as Timing[], qemuFlushed: [] as Timing[], ours: [] as Timing[], verify: [] as Timing[] };
for (let round = 0; round < rounds; round++) {
  const outOurs = path.join(work, "hangar.qcow2");
  const outTheirs = path.join(work, "qemu.qcow2");
  const qemu = await measured(() => execFileSync("qemu-img", ["convert", "-q", "-f", "vpc", "-O", "qcow2", source, outTheirs]));
  fs.rmSync(outTheirs);
  const ours = await measured(() => hangar(source, outOurs));
  const qemuFlushed = await measured(() => execFileSync("qemu-img", ["convert", "-q", "-t", "writeback", "-f", "vpc", "-O", "qcow2", source, outTheirs]));
  const verification = await measured(() => verify(outOurs));
  if (verification.value !== ours.value) throw new Error("the converted disk read back has another digest");
  // Exits non-zero (and throws) unless the two outputs hold the same disk.
  execFileSync("qemu-img", ["compare", "-q", "-f", "qcow2", "-F", "qcow2", outOurs, outTheirs]);
  runs.qemu.push(qemu);
  runs.qemuFlushed.push(qemuFlushed);
  runs.ours.push(ours);
  runs.verify.push(verification);
  console.log(
    `round ${round + 1}: qemu-img ${show(qemu)}, with -t writeback ${show(qemuFlushed)}, Hangar ${show(ours)} (with the digest), ` +
      `verification ${show(verification)}; sizes ${(fs.statSync(outTheirs).size / MiB).toFixed(0)} and ${(fs.statSync(outOurs).size / MiB).toFixed(0)} MiB`,
  );
  fs.rmSync(outOurs);
  fs.rmSync(outTheirs);
}
const [q, qf, h, v] = [runs.qemu, runs.qemuFlushed, runs.ours, runs.verify].map(medians);
console.log(`median: qemu-img convert ${show(q)}, with -t writeback ${show(qf)}, Hangar ${show(h)} (goal 0.8)`);
console.log(
  `ratios, time (CPU): against qemu-img ${ratio(q.ms, h.ms)} (${ratio(q.cpu, h.cpu)}), against -t writeback ${ratio(qf.ms, h.ms)} (${ratio(qf.cpu, h.cpu)})`,
);
console.log(
  `Hangar's conversion and verification together: ${((h.ms + v.ms) / 1000).toFixed(2)} s, ratio ${ratio(q.ms, h.ms + v.ms)} (-t writeback: ${ratio(qf.ms, h.ms + v.ms)})`,
);
