import { Readable, type Transform } from "node:stream";
import zlib from "node:zlib";
import { PURE_CODECS, type Codecs } from "./codecs";

/** Output in pieces this large: each piece is one trip to zlib's thread, so small ones cost more than the inflating. */
const CHUNK = 1024 * 1024;

type ZstdFactory = (options: { chunkSize: number }) => Transform;

/** zlib.createZstdDecompress arrived in Node 22.15 / 23.8; Node 20 has none, and fzstd stands in. */
const zstdFactory = Reflect.get(zlib, "createZstdDecompress") as ZstdFactory | undefined;

/**
 * Node's native zlib (and zstd where Node has it): several times faster than
 * fflate at inflating an initramfs, on zlib's own thread. Streams keep
 * back-pressure, so a consumer that stops early stops the reads too: at most
 * one piece of output (1 MiB) and one of input are made ahead of it.
 */
export const NODE_CODECS: Codecs = {
  async *stream(kind, input) {
    if (kind === "zstd" && !zstdFactory) {
      yield* PURE_CODECS.stream(kind, input);
      return;
    }
    // One input piece at a time: what zlib has not asked for is not read.
    const source = Readable.from(input, { objectMode: false, highWaterMark: 1 });
    const options = { chunkSize: CHUNK };
    const inflate = kind === "gzip" ? zlib.createGunzip(options) : (zstdFactory as ZstdFactory)(options);
    const output = source.pipe(inflate);
    source.on("error", (error) => inflate.destroy(error));
    try {
      for await (const chunk of output as AsyncIterable<Buffer>) yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    } finally {
      source.destroy();
      inflate.destroy();
    }
  },
};
