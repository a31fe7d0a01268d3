import { randomBytes } from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { expect, it } from "vitest";
import { PartBuffers, sendInParts } from "./s3-parts";

const KiB = 1024;

/** The bytes in request-sized chunks, as a socket hands them over. */
const chunksOf = (bytes: Buffer, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, index) => bytes.subarray(index * size, (index + 1) * size));

/** Every buffer of the pool is free again: as many as it holds are handed out at once, none waited for. */
async function allFree(buffers: PartBuffers, count: number): Promise<boolean> {
  const handed = await Promise.race([
    Promise.all(Array.from({ length: count }, () => buffers.acquire())),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 200)),
  ]);
  for (const memory of handed ?? []) memory.release(true);
  return handed !== null;
}

it("cuts the bytes into full parts and a last shorter one, in order", async () => {
  const bytes = randomBytes(1000 * KiB + 123);
  const parts: Buffer[] = [];
  const buffers = new PartBuffers(256 * KiB, 2);
  const sent = await sendInParts(Readable.from(chunksOf(bytes, 64 * KiB + 7)), {
    acquire: () => buffers.acquire(),
    send: (part) => Promise.resolve(void parts.push(Buffer.from(part))),
  });
  expect(sent).toBe(bytes.length);
  expect(parts.map((part) => part.length)).toEqual([256 * KiB, 256 * KiB, 256 * KiB, 232 * KiB + 123]);
  expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  expect(await allFree(buffers, 2)).toBe(true);
});

it("sends parts at once while the source goes on, never more than the pool's buffers, and reuses them", async () => {
  const bytes = randomBytes(2048 * KiB);
  const buffers = new PartBuffers(128 * KiB, 2);
  const memory = new Set<ArrayBufferLike>();
  const parts: Buffer[] = [];
  let sending = 0;
  let mostSending = 0;
  const sent = await sendInParts(Readable.from(chunksOf(bytes, 64 * KiB)), {
    acquire: () => buffers.acquire(),
    send: async (part) => {
      memory.add(part.buffer);
      mostSending = Math.max(mostSending, ++sending);
      await new Promise((resolve) => setTimeout(resolve, 5));
      parts.push(Buffer.from(part));
      sending -= 1;
    },
  });
  expect(sent).toBe(2048 * KiB);
  expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  expect(mostSending).toBe(2);
  expect(memory.size).toBe(2);
});

it("gives a part larger than the usual size a buffer of its own, within the same bound", async () => {
  const buffers = new PartBuffers(64 * KiB, 1);
  const usual = await buffers.acquire();
  const larger = buffers.acquire(200 * KiB);
  let handed = false;
  void larger.then(() => (handed = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(handed).toBe(false);
  usual.release(true);
  const big = await larger;
  expect(big.buffer.length).toBe(200 * KiB);
  big.release(true);
  expect((await buffers.acquire()).buffer.length).toBe(64 * KiB);
});

it("drops the unfinished part when the source fails, after the parts already going have settled", async () => {
  const source = new PassThrough();
  const buffers = new PartBuffers(100 * KiB, 4);
  const settled: number[] = [];
  const sending = sendInParts(source, {
    acquire: () => buffers.acquire(),
    send: (part) => new Promise((resolve) => setTimeout(() => resolve(void settled.push(part.length)), 50)),
  });
  source.write(randomBytes(150 * KiB));
  await new Promise((resolve) => setTimeout(resolve, 10));
  source.destroy(new Error("the client went away"));
  await expect(sending).rejects.toThrow("the client went away");
  expect(settled).toEqual([100 * KiB]);
  expect(await allFree(buffers, 4)).toBe(true);
});

it("stops the source when a part fails, and fails with that part's error once the others are done", async () => {
  const source = new PassThrough();
  const buffers = new PartBuffers(64 * KiB, 4);
  let sends = 0;
  const sending = sendInParts(source, {
    acquire: () => buffers.acquire(),
    send: () => {
      sends += 1;
      return sends === 2 ? Promise.reject(new Error("RGW answered 503")) : Promise.resolve();
    },
  });
  source.write(randomBytes(256 * KiB));
  await expect(sending).rejects.toThrow("RGW answered 503");
  expect(source.destroyed).toBe(true);
  expect(await allFree(buffers, 4)).toBe(true);
});
