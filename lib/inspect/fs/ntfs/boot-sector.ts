import { latin1, u16le, u64le, u8 } from "../../binary";
import { NTFS } from "./ntfs-errors";

/** What the boot sector says about the volume's layout. */
export interface NtfsGeometry {
  bytesPerSector: number;
  clusterSize: number;
  totalClusters: number;
  mftCluster: number;
  recordSize: number;
  indexBlockSize: number;
  /** The 64-bit volume serial number, 16 lowercase hex digits (what blkid reports as the UUID). */
  serial: string;
}

/** Windows formats clusters of up to 2 MiB; records and index blocks are powers of two of 512 bytes (one fixup stride) to 64 KiB. */
const MAX_CLUSTER = 2 * 1024 * 1024;
const MIN_RECORD = 512;
const MAX_RECORD = 64 * 1024;

export const isNtfsBootSector = (boot: Uint8Array): boolean =>
  boot.length >= 512 && boot[510] === 0x55 && boot[511] === 0xaa && latin1(boot.subarray(3, 11)) === "NTFS    ";

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Sizes coded in one signed byte: a count of clusters, or (negative) a power of two in bytes. */
function codedSize(byte: number, clusterSize: number): number {
  const signed = byte > 127 ? byte - 256 : byte;
  if (signed > 0) return signed * clusterSize;
  if (signed < 0 && signed >= -31) return 2 ** -signed;
  return 0;
}

/** The geometry of an NTFS boot sector, checked the way the Linux ntfs3 driver checks it before it mounts. */
export function parseBootSector(boot: Uint8Array): NtfsGeometry {
  const bytesPerSector = u16le(boot, 0x0b);
  if (![512, 1024, 2048, 4096].includes(bytesPerSector)) throw NTFS.boot_sector_invalid({ field: `bytes per sector (${bytesPerSector})` });
  const spcByte = u8(boot, 0x0d);
  // Above 0x80 the byte is a negative power of two (Windows 10's clusters above 64 KiB).
  const sectorsPerCluster = spcByte <= 0x80 ? spcByte : 2 ** (256 - spcByte);
  const clusterSize = bytesPerSector * sectorsPerCluster;
  if (!isPowerOfTwo(sectorsPerCluster) || clusterSize > MAX_CLUSTER) throw NTFS.boot_sector_invalid({ field: `sectors per cluster (${spcByte})` });
  const totalSectors = u64le(boot, 0x28);
  const totalClusters = Math.floor(totalSectors / sectorsPerCluster);
  if (!Number.isSafeInteger(totalSectors) || totalClusters === 0) throw NTFS.boot_sector_invalid({ field: "sector count" });
  const mftCluster = u64le(boot, 0x30);
  if (mftCluster === 0 || mftCluster >= totalClusters) throw NTFS.boot_sector_invalid({ field: `MFT location (cluster ${mftCluster})` });
  const recordSize = codedSize(u8(boot, 0x40), clusterSize);
  if (!isPowerOfTwo(recordSize) || recordSize < MIN_RECORD || recordSize > MAX_RECORD) throw NTFS.record_size_invalid({ what: "MFT record", size: recordSize });
  const indexBlockSize = codedSize(u8(boot, 0x44), clusterSize);
  if (!isPowerOfTwo(indexBlockSize) || indexBlockSize < MIN_RECORD || indexBlockSize > MAX_RECORD) {
    throw NTFS.record_size_invalid({ what: "index block", size: indexBlockSize });
  }
  const serial = Array.from(boot.subarray(0x48, 0x50))
    .reverse()
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
  return { bytesPerSector, clusterSize, totalClusters, mftCluster, recordSize, indexBlockSize, serial };
}
