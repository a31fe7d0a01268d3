import { u32le } from "../binary";
import { InspectError } from "../errors";
import {
  COMPRESSION_DEFLATE,
  FLAG_MARKERS,
  FLAG_ZERO_GRAIN,
  gdEntries,
  MAX_GRAIN_SECTORS,
  MAX_GTES_PER_GT,
  readSparseHeaders,
  SECTOR,
  type SparseHeader,
} from "../formats/vmdk/header";
import type { RandomAccessReader } from "../reader";
import { ByteSource } from "../source";
import { decompressInto } from "./decompress";
import type { GuestRun } from "./guest-runs";
import { mappedDisk, type DiskMapper, type GuestDisk } from "./mapped-disk";
import { LruCache } from "../../lru";
import { loadOnce } from "./load-once";

const DIRECTORY_PIECE = 4096;
const TABLE_CACHE_BYTES = 8 * 1024 * 1024;
const GRAIN_CACHE_BYTES = 16 * 1024 * 1024;
/** A grain marker: lba (8 bytes) and compressed size (4 bytes), then the data (VMDK 1.1, stream-optimized). */
const MARKER_BYTES = 12;

/** The guest disk of a monolithicSparse or streamOptimized VMDK, read through its grain directory and tables. */
export function vmdkDisk(reader: RandomAccessReader, size: number): GuestDisk {
  return mappedDisk(reader, size, () => VmdkMapper.open(reader));
}

class VmdkMapper implements DiskMapper {
  /** Grain directory pieces and grain tables, keyed by file offset; inflated grains, keyed by sector. */
  private readonly directory = new LruCache<number, Promise<Uint8Array>>(TABLE_CACHE_BYTES / DIRECTORY_PIECE);
  private readonly tables: LruCache<number, Promise<Uint8Array>>;
  private readonly grains: LruCache<number, Promise<Uint8Array>>;
  private readonly grainBytes: number;
  private readonly tableBytes: number;
  private readonly entries: number;

  private constructor(
    private readonly reader: RandomAccessReader,
    private readonly h: SparseHeader,
  ) {
    this.grainBytes = h.grainSize * SECTOR;
    this.tableBytes = h.numGTEsPerGT * 4;
    this.entries = gdEntries(h);
    this.tables = new LruCache(Math.floor(TABLE_CACHE_BYTES / this.tableBytes));
    this.grains = new LruCache(Math.max(1, Math.floor(GRAIN_CACHE_BYTES / this.grainBytes)));
  }

  static async open(reader: RandomAccessReader): Promise<VmdkMapper> {
    const { effective: h } = await readSparseHeaders(new ByteSource(reader, 16));
    if (h.version > 3 || h.compressAlgorithm > COMPRESSION_DEFLATE)
      throw new InspectError("unsupported", `VMDK version ${h.version} with compression ${h.compressAlgorithm} cannot be read.`);
    if (h.numGTEsPerGT === 0 || h.numGTEsPerGT > MAX_GTES_PER_GT || h.grainSize === 0 || h.grainSize > MAX_GRAIN_SECTORS) {
      throw new InspectError("corrupt", "The VMDK header's grain size or grain table size is invalid.");
    }
    return new VmdkMapper(reader, h);
  }

  async map(guest: number): Promise<GuestRun> {
    const { h } = this;
    const grain = Math.floor(guest / this.grainBytes);
    const inGrain = guest - grain * this.grainBytes;
    const toGrainEnd = this.grainBytes - inGrain;
    const gdIndex = Math.floor(grain / h.numGTEsPerGT);
    if (gdIndex >= this.entries) return { kind: "zero", length: toGrainEnd };
    const piece = Math.floor((gdIndex * 4) / DIRECTORY_PIECE) * DIRECTORY_PIECE;
    const gdStart = h.gdOffset * SECTOR;
    if (gdStart + piece >= this.reader.size) throw new InspectError("truncated", "The grain directory lies past the end of the file.");
    const dir = await loadOnce(this.directory, gdStart + piece, () => this.reader.read(gdStart + piece, DIRECTORY_PIECE));
    if (gdIndex * 4 - piece + 4 > dir.length) throw new InspectError("truncated", "The grain directory runs past the end of the file.");
    const tableSector = u32le(dir, gdIndex * 4 - piece);
    if (tableSector === 0) return { kind: "zero", length: (gdIndex + 1) * h.numGTEsPerGT * this.grainBytes - guest };
    const tableStart = tableSector * SECTOR;
    if (tableStart >= this.reader.size) throw new InspectError("truncated", `The grain table at sector ${tableSector} lies past the end of the file.`);
    const table = await loadOnce(this.tables, tableStart, () => this.reader.read(tableStart, this.tableBytes));
    const at = (grain % h.numGTEsPerGT) * 4;
    if (at + 4 > table.length) throw new InspectError("truncated", `The grain table at sector ${tableSector} runs past the end of the file.`);
    const grainSector = u32le(table, at);
    if (grainSector === 0 || (grainSector === 1 && (h.flags & FLAG_ZERO_GRAIN) !== 0)) return { kind: "zero", length: toGrainEnd };
    if (h.compressAlgorithm !== COMPRESSION_DEFLATE) return { kind: "host", offset: grainSector * SECTOR + inGrain, length: toGrainEnd };
    const data = await loadOnce(this.grains, grainSector, () => this.inflate(grainSector));
    if (data.length <= inGrain) throw new InspectError("corrupt", `The compressed grain at sector ${grainSector} is shorter than the data read from it.`);
    return { kind: "bytes", bytes: data.subarray(inGrain), length: Math.min(toGrainEnd, data.length - inGrain) };
  }

  /** A compressed grain: with markers, a 12-byte marker gives the compressed size; without, qemu reads one grain's worth. */
  private async inflate(sector: number): Promise<Uint8Array> {
    const start = sector * SECTOR;
    let data: Uint8Array;
    if (start >= this.reader.size) throw new InspectError("truncated", `The compressed grain at sector ${sector} lies past the end of the file.`);
    if (this.h.flags & FLAG_MARKERS) {
      const marker = await this.reader.read(start, MARKER_BYTES);
      const size = u32le(marker, 8);
      if (marker.length < MARKER_BYTES || size === 0 || size > 2 * this.grainBytes) {
        throw new InspectError("corrupt", `The grain marker at sector ${sector} gives an impossible compressed size (${size}).`);
      }
      data = await this.reader.read(start + MARKER_BYTES, size);
    } else {
      data = await this.reader.read(start, this.grainBytes);
    }
    return decompressInto("zlib", data, this.grainBytes, "VMDK grain");
  }
}
