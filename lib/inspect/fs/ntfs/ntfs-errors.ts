import { defineErrors } from "../../util/error-table";

/** Why the NTFS reader stopped: `ntfs.<reason>`, its kind of InspectError and its words. */
export const NTFS = defineErrors("ntfs", "NTFS", {
  boot_sector_invalid: { kind: "corrupt", message: "the boot sector's {field} is impossible." },
  record_size_invalid: { kind: "corrupt", message: "the {what} size ({size} bytes) is impossible." },
  record_magic: { kind: "corrupt", message: "{what} does not carry its signature." },
  fixup_mismatch: { kind: "corrupt", message: "{what} fails its update sequence check (a torn or damaged write)." },
  fixup_invalid: { kind: "corrupt", message: "{what} has an update sequence array that does not fit it." },
  record_not_in_use: { kind: "corrupt", message: "MFT record {record} is not in use." },
  record_out_of_range: { kind: "corrupt", message: "MFT record {record} is past the end of the MFT ({count} records)." },
  attribute_invalid: { kind: "corrupt", message: "MFT record {record}: {detail}." },
  runlist_invalid: { kind: "corrupt", message: "the data runs of {what}: {detail}." },
  attribute_list_invalid: { kind: "corrupt", message: "the attribute list of MFT record {record}: {detail}." },
  extension_record_foreign: { kind: "corrupt", message: "MFT record {record} is listed as an extension of record {base} but does not belong to it." },
  data_missing: { kind: "corrupt", message: "{what} has no data stream." },
  read_past_end: { kind: "truncated", message: "the image ends inside {what}." },
  upcase_invalid: { kind: "corrupt", message: "the $UpCase table is {size} bytes, not 131072." },
  index_invalid: { kind: "corrupt", message: "the directory index of MFT record {record}: {detail}." },
  index_cycle: { kind: "corrupt", message: "the directory index of MFT record {record} visits block {vcn} twice." },
  index_too_deep: { kind: "limit", message: "the directory index of MFT record {record} is more than {depth} levels deep." },
  directory_too_large: { kind: "limit", message: "directory record {record} holds more than {limit} entries." },
  not_a_directory: { kind: "corrupt", message: "MFT record {record} is not a directory." },
  not_a_link: { kind: "corrupt", message: "MFT record {record} is not a symbolic link or junction into this volume." },
  reparse_invalid: { kind: "corrupt", message: "the reparse point of MFT record {record}: {detail}." },
  compression_invalid: { kind: "corrupt", message: "the LZNT1 data of {what}: {detail}." },
  compression_unsupported: { kind: "unsupported", message: "compression units of {clusters} clusters of {size} bytes are not NTFS's." },
  encrypted: { kind: "unsupported", message: "{what} is encrypted (EFS); its contents cannot be read." },
  reparse_data_elsewhere: {
    kind: "unsupported",
    message: "MFT record {record} keeps its contents behind a {tag} reparse point, not in its data stream; Hangar does not read them.",
  },
  too_large: { kind: "limit", message: "{what} is {size} bytes, more than the {limit} this reader takes." },
});
