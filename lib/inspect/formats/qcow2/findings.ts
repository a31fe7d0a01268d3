import { defineFindings } from "../../findings";
import { defineTallies } from "../tally";

const STANDALONE = "Upload a standalone image.";
const TRUNCATED_FIX = "Upload the complete file: it ends before metadata the header points to.";

/** What a QCOW2 header can say that makes the image unsafe or damaged (docs/interop/qcow2.txt, and qemu's own limits). */
export const QCOW2 = defineFindings("qcow2", {
  backing_file: {
    area: "safe",
    status: "fail",
    message: ["The image depends on a backing file ({name}): part of the disk would be read from another file on the host.", STANDALONE],
    fix: "{standalone}   # run where the backing file is; it merges the chain into one file",
  },
  data_file: {
    area: "safe",
    status: "fail",
    message: ["The image keeps its data in an external data file ({name}): the disk would be read from another file on the host.", STANDALONE],
    fix: "{standalone}   # run where the data file is",
  },
  unknown_incompatible_features: {
    area: "safe",
    status: "fail",
    message: "The image uses incompatible QCOW2 features nobody has defined yet ({bits}); qemu refuses to open it, and no one can say what it does.",
    fix: "{standalone}   # with the qemu that wrote it",
  },
  encrypted: {
    area: "safe",
    status: "fail",
    message: "The image is encrypted ({method}); Hangar cannot check what is inside, and the cloud could not boot it without the key.",
    fix: [
      "qemu-img convert -p --object secret,id=sec0,file=passphrase.txt",
      "--image-opts driver=qcow2,encrypt.key-secret=sec0,file.filename={file} -O qcow2 {out}",
    ],
  },
  unknown_compression_type: { area: "safe", status: "fail", message: "The image uses compression type {type}, which qemu does not know.", fix: "{standalone}" },
  l1_table_too_large: { area: "safe", status: "fail", message: "The L1 table claims {entries} entries ({size}); qemu allows at most {limit}." },
  refcount_table_too_large: { area: "safe", status: "fail", message: "The refcount table claims {size}; qemu allows at most {limit}." },
  too_many_snapshots: { area: "safe", status: "fail", message: "The image claims {count} snapshots; qemu allows at most {limit}." },

  corrupt_bit: {
    area: "integrity",
    status: "fail",
    message: "qemu marked this image corrupt (the corrupt bit is set): a consistency check found damaged metadata.",
    fix: "{check}",
  },
  dirty: {
    area: "integrity",
    status: "warn",
    message: "The image was not closed cleanly (the dirty bit is set), so its reference counts may be out of date.",
    fix: "{check}",
  },
  compression_bit_without_type: {
    area: "integrity",
    status: "fail",
    message: "The compression-type feature bit is set but the compression type is zlib; qemu refuses such an image.",
  },
  compression_type_without_bit: {
    area: "integrity",
    status: "fail",
    message: "The compression type is not zlib but its feature bit is not set; qemu refuses such an image.",
  },
  extended_l2_small_clusters: {
    area: "integrity",
    status: "fail",
    message: "Extended L2 entries need clusters of at least 16 KiB; this image has {size} clusters, which qemu refuses.",
  },
  refcount_width_too_large: { area: "integrity", status: "fail", message: "The refcount width 2^{order} bits is above the 64 bits qemu allows." },
  raw_data_bit_without_data_file: {
    area: "integrity",
    status: "fail",
    message: "The raw-external-data bit is set but the image has no external data file; qemu refuses such an image.",
    fix: "{check}",
  },
  bad_header_extensions: { area: "integrity", status: "fail", message: "qemu refuses the image's header extensions: {problems}.", fix: "{standalone}" },
  l1_table_too_small: {
    area: "integrity",
    status: "fail",
    message: "The L1 table has {entries} entries, fewer than the {needed} the {size} virtual size needs.",
  },
  no_refcount_table: { area: "integrity", status: "fail", message: "The image has no refcount table; qemu refuses to open it." },
  table_offset_invalid: { area: "integrity", status: "fail", message: "The {table} offset {offset} is not a valid cluster offset; qemu refuses the image." },
  table_overlaps_header: { area: "integrity", status: "fail", message: "The {table} would overlap the header (its offset is 0)." },
  table_past_end: {
    area: "integrity",
    status: "fail",
    message: "The {table} ({size} at offset {offset}) lies past the end of the {fileSize} file: it is truncated.",
    fix: TRUNCATED_FIX,
  },
});

/** What the walk over the L1, L2, refcount and snapshot tables counts. */
export const QCOW2_WALK = defineTallies("qcow2", {
  l1_reserved_bits: { one: "An L1 entry has reserved bits set", many: "{n} L1 entries have reserved bits set" },
  l2_table_unaligned: {
    one: "An L1 entry points to an L2 table that is not cluster-aligned",
    many: "{n} L1 entries point to L2 tables that are not cluster-aligned",
  },
  l2_table_past_end: {
    one: "An L1 entry points to an L2 table past the end of the file",
    many: "{n} L1 entries point to L2 tables past the end of the file",
  },
  l2_table_shared: { one: "Two L1 entries share one L2 table", many: "{n} L1 entries reuse an L2 table another entry already uses" },
  data_past_end: { one: "An L2 entry points past the end of the file", many: "{n} L2 entries point past the end of the file" },
  data_unaligned: {
    one: "An L2 entry points to a host cluster that is not cluster-aligned",
    many: "{n} L2 entries point to host clusters that are not cluster-aligned",
  },
  compressed_past_end: { one: "A compressed cluster lies past the end of the file", many: "{n} compressed clusters lie past the end of the file" },
  subcluster_bitmap_invalid: {
    one: "An extended L2 entry has an impossible subcluster bitmap",
    many: "{n} extended L2 entries have impossible subcluster bitmaps",
  },
  refcount_entry_invalid: {
    one: "A refcount table entry is misaligned or has reserved bits set",
    many: "{n} refcount table entries are misaligned or have reserved bits set",
  },
  refcount_block_past_end: { one: "A refcount block lies past the end of the file", many: "{n} refcount blocks lie past the end of the file" },
  snapshot_l1_invalid: {
    one: "A snapshot's L1 table is misaligned, too large or past the end of the file",
    many: "{n} snapshot L1 tables are misaligned, too large or past the end of the file",
  },
});
