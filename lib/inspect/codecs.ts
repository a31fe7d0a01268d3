import { Gunzip } from "fflate";
import { Decompress as ZstdDecompress } from "fzstd";

/** The streams the inspector decompresses as it reads them (an initramfs). */
export type StreamCodec = "gzip" | "zstd";

/**
 * Decompressors behind one interface, so each platform brings its fastest:
 * the default is pure JavaScript (fflate, fzstd) that runs in the browser;
 * the server and the CLI pass Node's native zlib (lib/inspect/node-codecs.ts,
 * which only Node code imports).
 */
export interface Codecs {
  /**
   * The bytes of a gzip or zstd stream decompressed chunk by chunk, `input`
   * pulled only as the output is consumed, so a consumer that stops early
   * leaves the rest unread. Bytes after the end of the stream may end it or
   * fail it; what was produced before is delivered first.
   */
  stream(kind: StreamCodec, input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array>;
}

/**
 * Runs a push-style decompressor (fflate, fzstd) as a pull stream: one input
 * chunk in, whatever it produced out.
 */
async function* pushed(
  input: AsyncIterable<Uint8Array>,
  make: (ondata: (chunk: Uint8Array) => void) => { push(chunk: Uint8Array, final?: boolean): void },
): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  const stream = make((chunk) => {
    if (chunk.length > 0) out.push(chunk);
  });
  for await (const chunk of input) {
    try {
      stream.push(chunk);
    } catch (error) {
      yield* out;
      throw error;
    }
    const ready = out;
    out = [];
    yield* ready;
  }
  try {
    stream.push(new Uint8Array(0), true);
  } catch (error) {
    yield* out;
    throw error;
  }
  yield* out;
}

/** fflate and fzstd: plain JavaScript, for the browser (and wherever nothing faster is given). */
export const PURE_CODECS: Codecs = {
  stream: (kind, input) =>
    kind === "gzip" ? pushed(input, (ondata) => new Gunzip((chunk) => ondata(chunk))) : pushed(input, (ondata) => new ZstdDecompress((chunk) => ondata(chunk))),
};
