/**
 * Windows registry hives (the regf format) in pure TypeScript, read-only and on demand through a
 * RandomAccessReader: a hive file on an NTFS volume is read cell by cell, never whole.
 */
export { RegistryHive } from "./registry-hive";
export { RegistryKey } from "./key";
export { currentControlSet } from "./control-set";
export { REG, type RegistryData, type RegistryValue } from "./value";
export { REGF } from "./regf-errors";
