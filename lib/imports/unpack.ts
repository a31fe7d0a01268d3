import { PassThrough, Readable, Transform, type Duplex } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Decompress as ZstdDecompress } from "fzstd";
import tar from "tar-stream";
import unbzip2Stream from "unbzip2-stream";
import { ImportFailure } from "./errors";

type Chunks = AsyncIterable<Buffer>;

/** Splits off the first `size` bytes (fewer at the end of the stream) while keeping them in the stream. */
async function peek(source: Chunks, size: number): Promise<{ head: Buffer; chunks: Chunks }> {
  const iterator = source[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    seen.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(seen);
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      if (head.length) yield head;
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  return { head, chunks: chunks() };
}

/** Runs `source` through a Node transform; its errors (and the decoder's) surface where the output is read. */
function through(source: Chunks, decoder: Duplex): Chunks {
  const output = new PassThrough({ highWaterMark: 1 << 20 });
  pipeline(Readable.from(source, { objectMode: false }), decoder, output).catch((error: unknown) => output.destroy(error as Error));
  return output;
}

function zstd(source: Chunks): Chunks {
  const decoder = new ZstdDecompress();
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        decoder.push(chunk);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        decoder.push(new Uint8Array(0), true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  // fzstd's output may be a view of its window, which the next push overwrites: copied.
  decoder.ondata = (data) => transform.push(Buffer.from(data));
  return through(source, transform);
}

type XzModule = typeof import("xz-decompress");

/** xz-decompress is a CommonJS bundle: Node's loader exposes it as `default`, bundlers as named exports. */
async function* xz(source: Chunks): AsyncGenerator<Buffer> {
  const loaded: Partial<XzModule> & { default?: XzModule } = await import("xz-decompress");
  const XzReadableStream = loaded.XzReadableStream ?? (loaded.default as XzModule).XzReadableStream;
  const input = Readable.toWeb(Readable.from(source)) as ReadableStream<Uint8Array>;
  const reader = new XzReadableStream(input).getReader();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      // The decoder's output buffer is its own: the bytes are copied before the next read reuses it.
      yield Buffer.from(next.value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

interface Compression {
  id: "gzip" | "xz" | "bzip2" | "zstd";
  magic: number[];
  decode(source: Chunks): Chunks;
}

/** The compressions distributions publish images in, recognised by their magic bytes whatever the URL's extension says. */
export const COMPRESSIONS: Compression[] = [
  { id: "gzip", magic: [0x1f, 0x8b], decode: (source) => through(source, zlib.createGunzip({ chunkSize: 1 << 20 })) },
  { id: "xz", magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], decode: xz },
  { id: "bzip2", magic: [0x42, 0x5a, 0x68], decode: (source) => through(source, unbzip2Stream()) },
  { id: "zstd", magic: [0x28, 0xb5, 0x2f, 0xfd], decode: zstd },
];

const TAR_MAGIC_AT = 257;
/** How many first bytes tell a compressed file or an archive from a plain disk. */
export const SNIFF_BYTES = TAR_MAGIC_AT + 5;
const isTar = (head: Buffer) => head.length >= SNIFF_BYTES && head.toString("latin1", TAR_MAGIC_AT, SNIFF_BYTES) === "ustar";
const compressionOf = (head: Buffer) => COMPRESSIONS.find(({ magic }) => magic.every((byte, i) => head[i] === byte));

/** Whether a file whose first bytes are `head` has something to unpack (a compression or an archive): else it is the disk itself. */
export const isPacked = (head: Buffer) => compressionOf(head) !== undefined || isTar(head);

/** Names of disk images in an archive (an OVA holds an .ovf, a .mf and .vmdk disks). */
const DISK_NAME = /\.(qcow2|img|raw|vmdk|vhd|vhdx|vdi|qed|iso)$/i;

/**
 * The disk image in a tar archive (an OVA is one). The other members (an OVF descriptor, a manifest, a
 * note) are skipped. An archive of several disks (a VM's OVA with a data disk) is refused once the second
 * shows: an image is one disk, and picking one for the user would import a VM without its data.
 */
async function* tarDisk(source: Chunks, found: (name: string) => void): AsyncGenerator<Buffer> {
  const extract = tar.extract();
  const feeding = pipeline(Readable.from(source), extract).catch((error: unknown) => error as Error);
  const names: string[] = [];
  let picked: string | null = null;
  try {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      const isDisk = type === "file" && DISK_NAME.test(name);
      if (isDisk && picked)
        throw new ImportFailure(
          "format",
          `The archive holds more than one disk image (${picked} and ${name}). A Hangar image is one disk: publish each disk as a file of its own and import them one by one.`,
        );
      if (isDisk) {
        picked = name;
        found(name);
        for await (const chunk of entry as AsyncIterable<Buffer>) yield chunk;
        continue;
      }
      // Members after the disk are read too (and dropped): the whole file is downloaded and its checksum checked.
      names.push(name);
      entry.resume();
    }
  } catch (error) {
    if (error instanceof ImportFailure) throw error;
    throw new ImportFailure("format", `The archive is damaged (${error instanceof Error ? error.message : String(error)}).`);
  } finally {
    extract.destroy();
    await feeding;
  }
  if (picked) return;
  throw new ImportFailure(
    "format",
    `The archive holds no disk image (no .qcow2, .img, .raw, .vmdk, .vhd, .vhdx, .vdi, .qed or .iso), only: ${names.join(", ") || "nothing"}.`,
  );
}

/** A decoder's errors as the user's: the file is not what its first bytes said. */
async function* guarded(what: string, chunks: Chunks): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (error) {
    if (error instanceof ImportFailure) throw error;
    throw new ImportFailure("format", `The file is not valid ${what}: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

export interface Unpacked {
  /** What was unpacked, outermost first: [] for a plain disk, ["xz"], ["gzip", "tar"]. */
  packing: string[];
  /** The disk's bytes. */
  disk: Chunks;
  /** The archive member the disk came from, once known. */
  member: () => string | null;
}

/**
 * Unpacks a file as it streams: one layer of compression (gzip, xz, bzip2, zstd) and then a tar archive
 * (or an OVA), each recognised by its magic bytes. The disk's bytes come out as the file's go in.
 */
export async function unpack(source: Chunks): Promise<Unpacked> {
  const packing: string[] = [];
  let member: string | null = null;
  let { head, chunks } = await peek(source, SNIFF_BYTES);
  const compression = compressionOf(head);
  if (compression) {
    packing.push(compression.id);
    ({ head, chunks } = await peek(guarded(compression.id, compression.decode(chunks)), SNIFF_BYTES));
  }
  if (isTar(head)) {
    packing.push("tar");
    chunks = tarDisk(chunks, (name) => (member = name));
  }
  return { packing, disk: chunks, member: () => member };
}
