/**
 * The layout of the QCOW2 files Hangar writes (docs/interop/qcow2.txt): version 3, 64 KiB
 * clusters, 16-bit refcounts, no backing file, no extensions. Zero clusters are left
 * unallocated (they read as zeros); every allocated cluster has refcount 1, so its L1 and L2
 * entries carry the COPIED flag as qemu-img check expects. The file is a sequence of clusters
 * whose places follow from the virtual size and the list of guest clusters that hold data:
 * - "metadata-first": header, L1, refcount table and blocks, L2 tables, then the data. Every
 *   byte is known before any data is read, so it can be streamed, with a length and ranges.
 * - "data-first": header, the data as it is found, then the tables: one pass over the source
 *   into a seekable file.
 * A compressed QCOW2 (qcow2-packed.ts) packs its data instead: it describes the data clusters
 * (PackedData) and the tables follow that description.
 */
export const CLUSTER_BITS = 16;
export const CLUSTER = 1 << CLUSTER_BITS;
const L2_ENTRIES = CLUSTER / 8;
const REFCOUNTS_PER_BLOCK = CLUSTER / 2;
/** The L2 flag of a cluster whose refcount is 1 (qemu-img check wants it exactly then). */
export const COPIED = 2n ** 63n;
const HEADER_LENGTH = 104;

export type Qcow2Order = "metadata-first" | "data-first";

/**
 * Data that is not one plain cluster per guest cluster: how many host clusters it takes, the L2 entry of each
 * guest cluster with its offset counted from the start of the data (the layout adds where the data starts),
 * and the refcount of each of its host clusters (a cluster holds several compressed clusters).
 */
export interface PackedData {
  clusters: number;
  entries: BigUint64Array;
  refcounts: Uint16Array;
}

export interface Qcow2Layout {
  size: number;
  /** Guest cluster numbers that hold data, ascending; data cluster k lives at host cluster dataStart + k, unless packed. */
  guest: Uint32Array;
  dataStart: number;
  /** Host clusters the data takes: guest.length, unless packed. */
  dataClusters: number;
  packed?: PackedData;
  l1Entries: number;
  l1Start: number;
  l1Clusters: number;
  /** L1 indexes that have an L2 table, ascending; table i lives at host cluster l2Start + i. */
  l2Indexes: number[];
  l2Start: number;
  refcountTableStart: number;
  refcountTableClusters: number;
  refcountBlocksStart: number;
  refcountBlocks: number;
  totalClusters: number;
}

const clustersFor = (bytes: number) => Math.ceil(bytes / CLUSTER);

/** Where everything goes, for a disk of `size` bytes whose data is in the guest clusters `guest` (ascending), plain or `packed`. */
export function planQcow2(size: number, guest: Uint32Array, order: Qcow2Order, packed?: PackedData): Qcow2Layout {
  const dataClusters = packed ? packed.clusters : guest.length;
  const l1Entries = Math.max(1, Math.ceil(size / (CLUSTER * L2_ENTRIES)));
  const l1Clusters = clustersFor(l1Entries * 8);
  const l2Indexes: number[] = [];
  for (const cluster of guest) {
    const index = Math.floor(cluster / L2_ENTRIES);
    if (l2Indexes[l2Indexes.length - 1] !== index) l2Indexes.push(index);
  }
  // Refcount blocks cover every cluster of the file, themselves included: the smallest count that does.
  const fixed = 1 + dataClusters + l2Indexes.length + l1Clusters;
  let refcountBlocks = 0;
  let refcountTableClusters = 0;
  for (;;) {
    const blocks = Math.ceil((fixed + refcountTableClusters + refcountBlocks) / REFCOUNTS_PER_BLOCK);
    const table = clustersFor(blocks * 8);
    if (blocks === refcountBlocks && table === refcountTableClusters) break;
    refcountBlocks = blocks;
    refcountTableClusters = table;
  }
  const refcounts = refcountTableClusters + refcountBlocks;
  if (order === "metadata-first") {
    const refcountTableStart = 1 + l1Clusters;
    const l2Start = refcountTableStart + refcounts;
    const dataStart = l2Start + l2Indexes.length;
    return {
      size,
      guest,
      dataStart,
      dataClusters,
      packed,
      l1Entries,
      l1Start: 1,
      l1Clusters,
      l2Indexes,
      l2Start,
      refcountTableStart,
      refcountTableClusters,
      refcountBlocksStart: refcountTableStart + refcountTableClusters,
      refcountBlocks,
      totalClusters: dataStart + dataClusters,
    };
  }
  const l2Start = 1 + dataClusters;
  const l1Start = l2Start + l2Indexes.length;
  const refcountTableStart = l1Start + l1Clusters;
  return {
    size,
    guest,
    dataStart: 1,
    dataClusters,
    packed,
    l1Entries,
    l1Start,
    l1Clusters,
    l2Indexes,
    l2Start,
    refcountTableStart,
    refcountTableClusters,
    refcountBlocksStart: refcountTableStart + refcountTableClusters,
    refcountBlocks,
    totalClusters: refcountTableStart + refcounts,
  };
}

/** The file's length in bytes. */
export const qcow2Length = (layout: Qcow2Layout): number => layout.totalClusters * CLUSTER;

/** Whether host cluster `host` is a data cluster, and which guest cluster it holds. */
export function dataClusterAt(layout: Qcow2Layout, host: number): number | null {
  const k = host - layout.dataStart;
  return k >= 0 && k < layout.guest.length ? layout.guest[k] : null;
}

/** The first index k with guest[k] >= cluster (binary search). */
function firstAtOrAfter(guest: Uint32Array, cluster: number): number {
  let lo = 0;
  let hi = guest.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (guest[mid] < cluster) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const put64 = (view: DataView, at: number, value: bigint) => view.setBigUint64(at, value);
const hostOffset = (cluster: number) => BigInt(cluster) * BigInt(CLUSTER);

function header(layout: Qcow2Layout): Uint8Array {
  const bytes = new Uint8Array(CLUSTER);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x514649fb); // "QFI\xfb"
  view.setUint32(4, 3);
  view.setUint32(20, CLUSTER_BITS);
  put64(view, 24, BigInt(layout.size));
  view.setUint32(36, layout.l1Entries);
  put64(view, 40, hostOffset(layout.l1Start));
  put64(view, 48, hostOffset(layout.refcountTableStart));
  view.setUint32(56, layout.refcountTableClusters);
  view.setUint32(96, 4); // refcount_order: 16-bit refcounts
  view.setUint32(100, HEADER_LENGTH);
  // Bytes 104..111 are zero: the end of the (empty) header extension list.
  return bytes;
}

/** The bytes of metadata cluster `host` (every cluster that is not data). */
export function metadataCluster(layout: Qcow2Layout, host: number): Uint8Array {
  if (host === 0) return header(layout);
  const bytes = new Uint8Array(CLUSTER);
  const view = new DataView(bytes.buffer);
  if (host >= layout.l1Start && host < layout.l1Start + layout.l1Clusters) {
    const first = (host - layout.l1Start) * L2_ENTRIES;
    for (let i = 0; i < layout.l2Indexes.length; i++) {
      const index = layout.l2Indexes[i];
      if (index >= first && index < first + L2_ENTRIES) put64(view, (index - first) * 8, hostOffset(layout.l2Start + i) | COPIED);
    }
    return bytes;
  }
  if (host >= layout.l2Start && host < layout.l2Start + layout.l2Indexes.length) {
    const first = layout.l2Indexes[host - layout.l2Start] * L2_ENTRIES;
    for (let k = firstAtOrAfter(layout.guest, first); k < layout.guest.length && layout.guest[k] < first + L2_ENTRIES; k++) {
      const entry = layout.packed ? layout.packed.entries[k] + hostOffset(layout.dataStart) : hostOffset(layout.dataStart + k) | COPIED;
      put64(view, (layout.guest[k] - first) * 8, entry);
    }
    return bytes;
  }
  if (host >= layout.refcountTableStart && host < layout.refcountTableStart + layout.refcountTableClusters) {
    const first = (host - layout.refcountTableStart) * L2_ENTRIES;
    for (let block = first; block < Math.min(layout.refcountBlocks, first + L2_ENTRIES); block++) {
      put64(view, (block - first) * 8, hostOffset(layout.refcountBlocksStart + block));
    }
    return bytes;
  }
  if (host >= layout.refcountBlocksStart && host < layout.refcountBlocksStart + layout.refcountBlocks) {
    const first = (host - layout.refcountBlocksStart) * REFCOUNTS_PER_BLOCK;
    const count = Math.min(REFCOUNTS_PER_BLOCK, layout.totalClusters - first);
    const { packed, dataStart } = layout;
    for (let i = 0; i < count; i++) {
      const data = first + i - dataStart;
      view.setUint16(i * 2, packed && data >= 0 && data < packed.clusters ? packed.refcounts[data] : 1);
    }
    return bytes;
  }
  throw new Error(`qcow2 layout: cluster ${host} is not metadata`);
}
