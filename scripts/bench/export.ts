// Exports against qemu-img in the same run. The source is a 4 GiB raw disk with 1 GiB of data
// (scripts/bench/sparse-disk.ts).
// - As QCOW2: Hangar's converter on a worker thread (lib/convert, as a `?format=qcow2` download prepares its
//   file: no disk digest, fsync'd) against `qemu-img convert -f raw -O qcow2` with its default cache mode
//   for convert (unsafe: no flush) and with `-t writeback` (flushed, as Hangar's file is): time and bytes sent.
// - As QCOW2 with compressed clusters (`?format=qcow2&compression=zlib`) against `qemu-img convert -c`.
// - As raw, whole: the bytes a client that accepts gzip receives (lib/convert/sparse-gzip.ts) against the
//   plain file, and the time to encode it against reading it.
// Rounds alternate the sides; medians of wall and CPU time (scripts/bench/measured.ts) are reported, ratios are
// theirs over ours (1.0: as fast).
// Needs qemu-img. BENCH_ROUNDS (3) and BENCH_DIR (os.tmpdir()).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { runDiskTask } from "../../lib/convert/run-disk-task";
import { sparseGzip } from "../../lib/convert/sparse-gzip";
import type { ExportCompression } from "../../lib/convert/targets";
import { inspectImage } from "../../lib/inspect";
import { openFileReader } from "../../lib/inspect/readers/file";
import { measured, medians, ratio, show, type Timing } from "./measured";
import { writeSparseDisk } from "./sparse-disk";

const MiB = 1024 ** 2;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const work = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), "hangar-bench-export-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));

async function hangarQcow2(source: string, out: string, compression?: ExportCompression): Promise<void> {
  const reader = await openFileReader(source);
  try {
    const info = await inspectImage(reader, { depth: "format" });
    await runDiskTask(reader, { kind: "convert", info, out, target: "qcow2", digest: false, compression });
  } finally {
    await reader.close();
  }
}

/** Streams the raw file as a download would, through the gzip encoder or not, and counts the bytes sent. */
async function sendRaw(source: string, encoded: boolean): Promise<number> {
  let sent = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      done();
    },
  });
  const file = fs.createReadStream(source, { highWaterMark: MiB });
  await (encoded ? pipeline(file, sparseGzip(), sink) : pipeline(file, sink));
  return sent;
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

const source = path.join(work, "disk.raw");
writeSparseDisk(source);
console.log(`source: a 4 GiB raw disk with 1 GiB of data, load ${os.loadavg()[0].toFixed(1)}`);
const runs = {
  qemu: [] as Timing[],
  qemuFlushed: [] as Timing[],
  ours: [] as Timing[],
  qemuZ: [] as Timing[],
  oursZ: [] as Timing[],
  plain: [] as Timing[],
  gzip: [] as Timing[],
};
const sizes = { qemu: 0, ours: 0, qemuZ: 0, oursZ: 0, plain: 0, gzip: 0 };
for (let round = 0; round < rounds; round++) {
  const outQemu = path.join(work, "qemu.qcow2");
  const outOurs = path.join(work, "hangar.qcow2");
  const qemu = await measured(() => execFileSync("qemu-img", ["convert", "-q", "-f", "raw", "-O", "qcow2", source, outQemu]));
  fs.rmSync(outQemu);
  const ours = await measured(() => hangarQcow2(source, outOurs));
  const qemuFlushed = await measured(() => execFileSync("qemu-img", ["convert", "-q", "-t", "writeback", "-f", "raw", "-O", "qcow2", source, outQemu]));
  // Exits non-zero (and throws) unless both hold the source's disk.
  execFileSync("qemu-img", ["compare", "-q", "-f", "raw", "-F", "qcow2", source, outOurs]);
  [sizes.qemu, sizes.ours] = [fs.statSync(outQemu).size, fs.statSync(outOurs).size];
  fs.rmSync(outQemu);
  fs.rmSync(outOurs);
  const qemuZ = await measured(() => execFileSync("qemu-img", ["convert", "-q", "-c", "-f", "raw", "-O", "qcow2", source, outQemu]));
  const oursZ = await measured(() => hangarQcow2(source, outOurs, "zlib"));
  execFileSync("qemu-img", ["compare", "-q", "-f", "raw", "-F", "qcow2", source, outOurs]);
  [sizes.qemuZ, sizes.oursZ] = [fs.statSync(outQemu).size, fs.statSync(outOurs).size];
  fs.rmSync(outQemu);
  fs.rmSync(outOurs);
  runs.qemuZ.push(qemuZ);
  runs.oursZ.push(oursZ);
  const plain = await measured(() => sendRaw(source, false));
  const gzip = await measured(() => sendRaw(source, true));
  [sizes.plain, sizes.gzip] = [plain.value, gzip.value];
  runs.qemu.push(qemu);
  runs.qemuFlushed.push(qemuFlushed);
  runs.ours.push(ours);
  runs.plain.push(plain);
  runs.gzip.push(gzip);
  console.log(
    `round ${round + 1}: as qcow2 qemu-img ${show(qemu)}, with -t writeback ${show(qemuFlushed)} (${mib(sizes.qemu)}), Hangar ${show(ours)} (${mib(sizes.ours)}); ` +
      `compressed qemu-img -c ${show(qemuZ)} (${mib(sizes.qemuZ)}), Hangar ${show(oursZ)} (${mib(sizes.oursZ)}); ` +
      `as raw plain ${show(plain)} (${mib(plain.value)}), gzip-encoded ${show(gzip)} (${mib(gzip.value)})`,
  );
}
const [q, qf, o, qz, oz, p, g] = [runs.qemu, runs.qemuFlushed, runs.ours, runs.qemuZ, runs.oursZ, runs.plain, runs.gzip].map(medians);
console.log(
  `median, as qcow2: qemu-img convert ${show(q)}, with -t writeback ${show(qf)}, Hangar ${show(o)}; bytes sent ${(sizes.ours / sizes.qemu).toFixed(3)} of qemu-img's`,
);
console.log(
  `ratios, time (CPU): against qemu-img ${ratio(q.ms, o.ms)} (${ratio(q.cpu, o.cpu)}), against -t writeback ${ratio(qf.ms, o.ms)} (${ratio(qf.cpu, o.cpu)})`,
);
console.log(
  `median, as raw: gzip-encoded ${mib(sizes.gzip)} of ${mib(sizes.plain)} (${(sizes.gzip / sizes.plain).toFixed(3)}), time ${ratio(p.ms, g.ms)} (CPU ${ratio(p.cpu, g.cpu)}) of a plain read`,
);
console.log(
  `median, as compressed qcow2: qemu-img convert -c ${show(qz)} (${mib(sizes.qemuZ)}), Hangar ${show(oz)} (${mib(sizes.oursZ)}): ratio ${ratio(qz.ms, oz.ms)}; ` +
    `bytes ${(sizes.oursZ / sizes.qemuZ).toFixed(3)} of qemu-img's, ${(sizes.oursZ / sizes.ours).toFixed(3)} of the plain export's, in ${ratio(oz.ms, o.ms)} times its time`,
);
