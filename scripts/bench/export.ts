// Exports against qemu-img in the same run. The source is a 4 GiB raw disk with 1 GiB of data
// (scripts/bench/sparse-disk.ts).
// - As QCOW2: Hangar's converter on a worker thread (lib/convert, as a `?format=qcow2` download prepares its
//   file, disk digest included) against `qemu-img convert -f raw -O qcow2`: time and bytes sent (the file).
// - As QCOW2 with compressed clusters (`?format=qcow2&compression=zlib`) against `qemu-img convert -c`.
// - As raw, whole: the bytes a client that accepts gzip receives (lib/convert/sparse-gzip.ts) against the
//   plain file, and the time to encode it against reading it.
// Rounds alternate the two sides; medians are reported, ratios are theirs over ours (1.0: as fast).
// Needs qemu-img. BENCH_ROUNDS (3) and BENCH_DIR (os.tmpdir()).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { runDiskTask } from "../../lib/convert/run-disk-task";
import type { ExportCompression } from "../../lib/convert/targets";
import { sparseGzip } from "../../lib/convert/sparse-gzip";
import { inspectImage } from "../../lib/inspect";
import { openFileReader } from "../../lib/inspect/readers/file";
import { writeSparseDisk } from "./sparse-disk";

const MiB = 1024 ** 2;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const work = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), "hangar-bench-export-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));

async function hangarQcow2(source: string, out: string, compression?: ExportCompression): Promise<void> {
  const reader = await openFileReader(source);
  try {
    await runDiskTask(reader, { kind: "convert", info: await inspectImage(reader, { depth: "format" }), out, target: "qcow2", compression });
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

async function timed<T>(run: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const value = await run();
  return [performance.now() - start, value];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

const source = path.join(work, "disk.raw");
writeSparseDisk(source);
console.log(`source: a 4 GiB raw disk with 1 GiB of data, load ${os.loadavg()[0].toFixed(1)}`);
const times = { qemu: [] as number[], ours: [] as number[], qemuZ: [] as number[], oursZ: [] as number[], plain: [] as number[], gzip: [] as number[] };
const sizes = { qemu: 0, ours: 0, qemuZ: 0, oursZ: 0, plain: 0, gzip: 0 };
for (let round = 0; round < rounds; round++) {
  const outQemu = path.join(work, "qemu.qcow2");
  const outOurs = path.join(work, "hangar.qcow2");
  const [qemuMs] = await timed(() => execFileSync("qemu-img", ["convert", "-q", "-f", "raw", "-O", "qcow2", source, outQemu]));
  const [oursMs] = await timed(() => hangarQcow2(source, outOurs));
  // Exits non-zero (and throws) unless both hold the source's disk.
  execFileSync("qemu-img", ["compare", "-q", "-f", "raw", "-F", "qcow2", source, outOurs]);
  [sizes.qemu, sizes.ours] = [fs.statSync(outQemu).size, fs.statSync(outOurs).size];
  fs.rmSync(outQemu);
  fs.rmSync(outOurs);
  const [qemuZMs] = await timed(() => execFileSync("qemu-img", ["convert", "-q", "-c", "-f", "raw", "-O", "qcow2", source, outQemu]));
  const [oursZMs] = await timed(() => hangarQcow2(source, outOurs, "zlib"));
  execFileSync("qemu-img", ["compare", "-q", "-f", "raw", "-F", "qcow2", source, outOurs]);
  [sizes.qemuZ, sizes.oursZ] = [fs.statSync(outQemu).size, fs.statSync(outOurs).size];
  fs.rmSync(outQemu);
  fs.rmSync(outOurs);
  times.qemuZ.push(qemuZMs);
  times.oursZ.push(oursZMs);
  const [plainMs, plainBytes] = await timed(() => sendRaw(source, false));
  const [gzipMs, gzipBytes] = await timed(() => sendRaw(source, true));
  [sizes.plain, sizes.gzip] = [plainBytes, gzipBytes];
  times.qemu.push(qemuMs);
  times.ours.push(oursMs);
  times.plain.push(plainMs);
  times.gzip.push(gzipMs);
  console.log(
    `round ${round + 1}: as qcow2 qemu-img ${seconds(qemuMs)} (${mib(sizes.qemu)}), Hangar ${seconds(oursMs)} (${mib(sizes.ours)}); ` +
      `compressed qemu-img -c ${seconds(qemuZMs)} (${mib(sizes.qemuZ)}), Hangar ${seconds(oursZMs)} (${mib(sizes.oursZ)}); ` +
      `as raw plain ${seconds(plainMs)} (${mib(plainBytes)}), gzip-encoded ${seconds(gzipMs)} (${mib(gzipBytes)})`,
  );
}
const [q, o, p, g] = [median(times.qemu), median(times.ours), median(times.plain), median(times.gzip)];
console.log(
  `median, as qcow2: qemu-img convert ${seconds(q)}, Hangar ${seconds(o)}: ratio ${(q / o).toFixed(2)}; bytes sent ${(sizes.ours / sizes.qemu).toFixed(3)} of qemu-img's`,
);
console.log(
  `median, as raw: gzip-encoded ${mib(sizes.gzip)} of ${mib(sizes.plain)} (${(sizes.gzip / sizes.plain).toFixed(3)}), time ${(p / g).toFixed(2)} of a plain read`,
);
const [qz, oz] = [median(times.qemuZ), median(times.oursZ)];
console.log(
  `median, as compressed qcow2: qemu-img convert -c ${seconds(qz)} (${mib(sizes.qemuZ)}), Hangar ${seconds(oz)} (${mib(sizes.oursZ)}): ratio ${(qz / oz).toFixed(2)}; ` +
    `bytes ${(sizes.oursZ / sizes.qemuZ).toFixed(3)} of qemu-img's, ${(sizes.oursZ / sizes.ours).toFixed(3)} of the plain export's, in ${(oz / o).toFixed(2)} times its time`,
);
