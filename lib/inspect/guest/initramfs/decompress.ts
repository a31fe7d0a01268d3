import { PURE_CODECS, type Codecs } from "../../codecs";
import { InspectError, isInspectError } from "../../errors";
import type { RandomAccessReader } from "../../reader";
import { decompressLz4, LZ4_FRAME_MAGIC, LZ4_LEGACY_MAGIC } from "./lz4";

/** The compressors the kernel can unpack an initramfs from (usr/Kconfig: RD_*). */
export type Compression = "gzip" | "zstd" | "xz" | "lz4" | "bzip2" | "lzma" | "lzo";

/** Identifies a compressed segment from its first bytes, as the kernel's decompress_method() does. */
export function detectCompression(head: Uint8Array): Compression | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b) || starts(0x1f, 0x9e)) return "gzip";
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return "zstd";
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return "xz";
  if (head.length >= 4) {
    const magic = (head[0] | (head[1] << 8) | (head[2] << 16) | (head[3] << 24)) >>> 0;
    if (magic === LZ4_LEGACY_MAGIC || magic === LZ4_FRAME_MAGIC) return "lz4";
  }
  if (starts(0x42, 0x5a, 0x68)) return "bzip2";
  if (starts(0x5d, 0x00, 0x00)) return "lzma";
  if (starts(0x89, 0x4c, 0x5a, 0x4f)) return "lzo";
  return null;
}

/** Compressed input is read in pieces of this size, which also bounds one burst of output. */
const INPUT_CHUNK = 128 * 1024;

async function* compressedChunks(reader: RandomAccessReader, offset: number): AsyncGenerator<Uint8Array> {
  for (let at = offset; at < reader.size;) {
    const chunk = await reader.read(at, Math.min(INPUT_CHUNK, reader.size - at));
    if (chunk.length === 0) return;
    at += chunk.length;
    yield chunk;
  }
}

const failure = (kind: Compression, error: unknown) =>
  isInspectError(error)
    ? error
    : new InspectError("corrupt", `The ${kind} data in the initramfs is corrupt (${error instanceof Error ? error.message : String(error)}).`);

/** A decompressor's own errors, as the inspector's: what it produced before them is kept. */
async function* guarded(kind: Compression, chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of chunks) yield chunk;
  } catch (error) {
    throw failure(kind, error);
  }
}

type XzModule = typeof import("xz-decompress");

/**
 * xz-decompress is a CommonJS bundle (with its WebAssembly inline): bundlers
 * expose its named export, Node's ESM loader only `default`. Loaded on first
 * use, as few initramfs images are xz.
 */
async function xzStream(): Promise<XzModule["XzReadableStream"]> {
  const loaded: Partial<XzModule> & { default?: XzModule } = await import("xz-decompress");
  return loaded.XzReadableStream ?? (loaded.default as XzModule).XzReadableStream;
}

/** The compressed bytes from `offset` as a web stream, pulled only as fast as the output is read. */
function compressedStream(reader: RandomAccessReader, offset: number): ReadableStream<Uint8Array> {
  const input = compressedChunks(reader, offset);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await input.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await input.return(undefined);
    },
  });
}

/** Reads a web decompression stream chunk by chunk; cancelling it (an early stop) stops reading input. */
async function* webStream(kind: Compression, output: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const chunks = output.getReader();
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await chunks.read();
      } catch (error) {
        throw failure(kind, error);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await chunks.cancel().catch(() => undefined);
  }
}

async function* xz(reader: RandomAccessReader, offset: number): AsyncGenerator<Uint8Array> {
  const XzReadableStream = await xzStream();
  yield* webStream("xz", new XzReadableStream(compressedStream(reader, offset)));
}

/**
 * The decompressed bytes of the segment at `offset`, as a stream of chunks.
 * Returns the offset after the compressed data when the decompressor knows it
 * (lz4), else null: the segment then runs to the end of what can be read.
 */
export async function* decompress(
  kind: Compression,
  reader: RandomAccessReader,
  offset: number,
  codecs: Codecs = PURE_CODECS,
): AsyncGenerator<Uint8Array, number | null> {
  switch (kind) {
    // Streams that pull their input (not the platform's DecompressionStream: Node's reads its whole input ahead,
    // which defeats stopping early; measured on Debian's 36 MB initramfs: all of it read instead of 26 MB).
    case "gzip":
    case "zstd":
      yield* guarded(kind, codecs.stream(kind, compressedChunks(reader, offset)));
      return null;
    case "xz":
      yield* xz(reader, offset);
      return null;
    case "lz4":
      return yield* decompressLz4(reader, offset);
    default:
      throw new InspectError("unsupported", `The initramfs is compressed with ${kind}, which Hangar does not read yet.`);
  }
}
