import { defineFindings } from "../findings";

/** The formats Hangar rejects anyway: what their headers add to the report (a parent disk above all). */

const PARENT_FIX = "{convert}   # run it next to the parent disk";

export const VHD = defineFindings("vhd", {
  footer_checksum: { area: "integrity", status: "fail", message: "The VHD footer's checksum does not match: the footer is damaged.", fix: "{convert}" },
  dynamic_header_missing: {
    area: "integrity",
    status: "fail",
    message: "The dynamic-disk header the footer points to (offset {offset}) is missing or past the end of the file.",
    fix: "{convert}",
  },
  block_table_past_end: {
    area: "integrity",
    status: "fail",
    message: "The block allocation table ({entries} entries at offset {offset}) lies past the end of the file: it is truncated.",
  },
  block_size_invalid: { area: "integrity", status: "fail", message: "The block size {size} is not a power of two of at least 512 bytes." },
  block_table_too_small: { area: "integrity", status: "fail", message: "The block allocation table is too small for the disk's size." },
  differencing: {
    area: "safe",
    status: "fail",
    message: "This is a differencing VHD: it only holds changes to a parent disk ({name}).",
    fix: PARENT_FIX,
  },
});

export const VHDX = defineFindings("vhdx", {
  log_not_replayed: {
    area: "integrity",
    status: "warn",
    message: "The VHDX log has entries that were never replayed (the disk was not closed cleanly).",
    fix: "{convert}",
  },
  unknown_required_region: { area: "safe", status: "fail", message: "The VHDX has a required region of unknown type {guid}; qemu refuses it." },
  region_outside: { area: "integrity", status: "fail", message: "A VHDX region ({region}, {size} at offset {offset}) points outside the {fileSize} file." },
  metadata_outside: {
    area: "safe",
    status: "warn",
    message: "Whether the disk refers to a parent disk is unknown: its metadata lies outside the file.",
  },
  metadata_region_too_large: { area: "safe", status: "fail", message: "The VHDX metadata region claims {size}; real ones are about 1 MiB." },
  unknown_required_metadata: {
    area: "safe",
    status: "fail",
    message: "The VHDX has a required metadata item of unknown type {guid}; qemu refuses it.",
  },
  metadata_item_outside: { area: "integrity", status: "fail", message: "A VHDX metadata item ({guid}) lies outside its metadata region." },
  metadata_item_repeated: {
    area: "integrity",
    status: "fail",
    message: "The VHDX metadata table lists {guids} more than once; qemu refuses such an image.",
  },
  differencing: {
    area: "safe",
    status: "fail",
    message: "This is a differencing VHDX: it only holds changes to a parent disk ({name}).",
    fix: PARENT_FIX,
  },
});

export const VDI = defineFindings("vdi", {
  differencing: {
    area: "safe",
    status: "fail",
    message: "This is a differencing VDI: it only holds changes to a parent disk.",
    fix: "{convert}   # after merging it into its parent in VirtualBox",
  },
  version_unsupported: { area: "integrity", status: "fail", message: "VDI version {version} is not the 1.1 that qemu reads." },
  block_map_past_end: {
    area: "integrity",
    status: "fail",
    message: "The block map ({entries} entries at offset {offset}) lies past the end of the file: it is truncated.",
  },
  block_size_unsupported: {
    area: "integrity",
    status: "warn",
    message: "The block size is {size}; qemu converts only VDI images with 1 MiB blocks.",
  },
  block_map_too_small: { area: "integrity", status: "fail", message: "The block map is too small for the disk's size." },
});

export const QED = defineFindings("qed", {
  backing_file: {
    area: "safe",
    status: "fail",
    message: 'The image depends on a backing file ("{name}"): part of the disk would be read from another file on the host.',
    fix: "{convert}   # run where the backing file is",
  },
  unknown_features: { area: "safe", status: "fail", message: "The image uses QED features qemu does not know." },
  need_check: { area: "integrity", status: "warn", message: "The image was not closed cleanly (the need-check feature is set)." },
  geometry_invalid: { area: "integrity", status: "fail", message: "The cluster size {clusterSize} or table size {tableSize} is outside what QED allows." },
  l1_table_past_end: { area: "integrity", status: "fail", message: "The L1 table lies past the end of the file: it is truncated." },
});

export const QCOW = defineFindings("qcow", {
  backing_file: { area: "safe", status: "fail", message: 'The image depends on a backing file ("{name}").' },
});

export const LUKS = defineFindings("luks", {
  payload_past_end: { area: "integrity", status: "fail", message: "The encrypted payload starts past the end of the file: it is truncated." },
});

export const ISO = defineFindings("iso", {
  truncated: {
    area: "integrity",
    status: "fail",
    message: "The ISO 9660 volume is {volume} bytes but the file has only {size}: it is truncated.",
    fix: "Download or copy the ISO again.",
  },
});
