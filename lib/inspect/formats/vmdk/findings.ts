import { defineFindings } from "../../findings";
import { defineTallies } from "../tally";

/** The conversion, run where the files a descriptor names are (the parser fills in {convert} for the user's file). */
const CONVERT = "{convert}   # run it next to the files the descriptor names";
const TRUNCATED_FIX = "Upload the complete file: it ends before metadata the header points to.";
const SELF_CONTAINED = "a self-contained image has one SPARSE extent, itself.";

/** What a VMDK's descriptor, sparse header and footer can say that makes it unsafe or damaged (VMware's spec, and qemu's reading of it). */
export const VMDK = defineFindings("vmdk", {
  descriptor_file: {
    area: "safe",
    status: "fail",
    message: [
      "This is a VMDK descriptor (create type {createType}) whose disk lives in other files: {files}.",
      "Opening it would read those files on the host. Upload one self-contained image instead.",
    ],
    fix: CONVERT,
  },
  descriptor_without_data: {
    area: "safe",
    status: "fail",
    message: "This is a VMDK descriptor (create type {createType}) without the disk data; upload one self-contained image instead.",
    fix: CONVERT,
  },
  cowd: {
    area: "safe",
    status: "fail",
    message: 'This is an ESX "COWD" sparse extent (VMDK version 3), not a self-contained monolithicSparse or streamOptimized image.',
    fix: CONVERT,
  },
  descriptor_too_large: {
    area: "safe",
    status: "fail",
    message: "The embedded descriptor claims {size}; real ones are a few KiB and qemu reads at most 1 MiB.",
    fix: CONVERT,
  },
  descriptor_missing: {
    area: "integrity",
    status: "fail",
    message: "The sparse extent has no embedded descriptor, so qemu cannot open it on its own.",
    fix: CONVERT,
  },
  descriptor_misplaced: {
    area: "safe",
    status: "fail",
    message: "The embedded descriptor is at sector {sector}, but qemu reads it at sector 1: tools would disagree on what this disk is.",
    fix: CONVERT,
  },
  descriptor_text_too_large: {
    area: "safe",
    status: "fail",
    message: "The embedded descriptor holds more than {size} of text; real ones are under 1 KiB.",
    fix: CONVERT,
  },
  cid_missing: {
    area: "integrity",
    status: "fail",
    message: "The descriptor at sector 1 has no readable {fields}, so qemu refuses to open the image.",
    fix: CONVERT,
  },
  capacity_zero: {
    area: "safe",
    status: "fail",
    message: "The sparse header has a capacity of 0, so qemu follows the embedded descriptor's extent lines instead, which name other files.",
    fix: CONVERT,
  },
  parent_disk: {
    area: "safe",
    status: "fail",
    message: 'The image is a delta disk of a parent ("{name}"): part of the disk would be read from another file on the host.',
    fix: "{convert}   # run it where the parent disk is",
  },
  create_type_not_accepted: {
    area: "safe",
    status: "fail",
    message: 'The VMDK create type is "{createType}"; Hangar accepts only the self-contained monolithicSparse and streamOptimized.',
    fix: CONVERT,
  },
  create_type_mismatch: {
    area: "safe",
    status: "fail",
    message: "The descriptor says {createType} but the header says {qemuType} ({compression}): tools would disagree on how to read this disk.",
    fix: CONVERT,
  },
  parent_cid: {
    area: "safe",
    status: "fail",
    message: "The descriptor names a parent disk (parentCID={cid}): this is a snapshot delta, not a whole disk.",
    fix: CONVERT,
  },
  extent_count: {
    area: "safe",
    status: "fail",
    message: "The descriptor lists {count} extents; a self-contained image has exactly one, itself.",
    fix: CONVERT,
  },
  extent_type: { area: "safe", status: "fail", message: ["The descriptor has a {type} extent ({name});", SELF_CONTAINED], fix: CONVERT },
  extent_outside: {
    area: "safe",
    status: "fail",
    message: 'The descriptor\'s extent names another file, "{name}"; a self-contained image names only itself.',
    fix: CONVERT,
  },
  extent_size_mismatch: {
    area: "safe",
    status: "fail",
    message: "The descriptor's extent has {sectors} sectors but the header says {capacity}: tools would disagree on the disk's size.",
    fix: CONVERT,
  },
  version_unsupported: { area: "safe", status: "fail", message: "VMDK version {version} is newer than qemu reads (1 to 3).", fix: CONVERT },
  unknown_compression: {
    area: "safe",
    status: "fail",
    message: "The grains use compression algorithm {algorithm}, which qemu does not know.",
    fix: CONVERT,
  },
  grain_table_size_invalid: {
    area: "integrity",
    status: "fail",
    message: "The header claims {entries} entries per grain table; qemu accepts 1 to {max}.",
    fix: CONVERT,
  },
  grain_size_invalid: {
    area: "integrity",
    status: "fail",
    message: "The grain size of {sectors} sectors is outside what qemu accepts (1 sector to 1 GiB).",
    fix: CONVERT,
  },
  grain_directory_too_large: {
    area: "safe",
    status: "fail",
    message: "The grain directory would need {entries} entries; qemu refuses more than {max}.",
    fix: CONVERT,
  },
  grain_directory_past_end: {
    area: "integrity",
    status: "fail",
    message: "The grain directory ({entries} entries at sector {sector}) lies past the end of the {fileSize} file: it is truncated.",
    fix: TRUNCATED_FIX,
  },
  redundant_grain_directory_past_end: {
    area: "integrity",
    status: "fail",
    message: "The redundant grain directory (at sector {sector}) lies past the end of the file: it is truncated.",
    fix: TRUNCATED_FIX,
  },
  overhead_past_end: {
    area: "integrity",
    status: "fail",
    message: "The header reserves {sectors} sectors of metadata but the file is shorter: it is truncated.",
    fix: TRUNCATED_FIX,
  },
  newline_bytes_altered: {
    area: "integrity",
    status: "fail",
    message: "The header's newline-detection bytes are altered: the file was copied in text mode (FTP ASCII, a line-ending conversion), which corrupts it.",
    fix: "Copy the original file again in binary mode.",
  },
  stream_flags_missing: {
    area: "integrity",
    status: "warn",
    message: "The header says the grains are compressed but does not set the compressed-grain and marker flags a streamOptimized image carries.",
  },
  unclean_shutdown: {
    area: "integrity",
    status: "warn",
    message: "The image was not closed cleanly (uncleanShutdown is set); its grain tables may be incomplete.",
  },
  footer_mismatch: {
    area: "safe",
    status: "fail",
    message: "The header and the footer disagree ({fields}); qemu uses the footer, other tools the header.",
    fix: CONVERT,
  },
});

/** What the walk over the grain directory and grain tables counts. */
export const VMDK_WALK = defineTallies("vmdk", {
  grain_table_past_end: {
    one: "A grain directory entry points to a grain table past the end of the file",
    many: "{n} grain directory entries point to grain tables past the end of the file",
  },
  grain_table_shared: {
    one: "Two grain directory entries share one grain table",
    many: "{n} grain directory entries reuse a grain table another entry already uses",
  },
  grain_past_end: { one: "A grain table entry points past the end of the file", many: "{n} grain table entries point past the end of the file" },
});
