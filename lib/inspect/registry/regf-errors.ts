import { defineErrors } from "../util/error-table";

/** Why the registry hive reader stopped: `regf.<reason>`, its kind of InspectError and its words. */
export const REGF = defineErrors("regf", "registry hive", {
  not_a_hive: { kind: "corrupt", message: "{what} does not start with the regf signature." },
  checksum_mismatch: { kind: "corrupt", message: "{what}'s header checksum is 0x{found}, not 0x{expected}." },
  unsupported_version: { kind: "unsupported", message: "{what} is format version {major}.{minor}; Hangar reads 1.3 to 1.6." },
  bins_invalid: { kind: "corrupt", message: "{what}: {detail}." },
  cell_invalid: { kind: "corrupt", message: "{what}: the cell at offset {offset} {detail}." },
  truncated: { kind: "truncated", message: "{what} ends inside the cell at offset {offset}." },
  key_invalid: { kind: "corrupt", message: "{what}: the key at offset {offset} {detail}." },
  list_invalid: { kind: "corrupt", message: "{what}: the subkey list at offset {offset} {detail}." },
  value_invalid: { kind: "corrupt", message: "{what}: the value at offset {offset} {detail}." },
  too_many: { kind: "limit", message: "{what}: {detail}, more than the {limit} this reader takes." },
});
