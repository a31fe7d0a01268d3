import { defineErrors } from "../../util/error-table";

/** Why a Windows check could not read what it needs: `windows.<reason>`. */
export const WINDOWS = defineErrors("windows", "Windows", {
  hive_missing: { kind: "corrupt", message: "the registry hive {path} is missing." },
  control_set_missing: { kind: "corrupt", message: "SYSTEM\\Select\\Current names no control set that exists ({current})." },
});
