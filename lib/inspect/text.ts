/** Numbers in messages people read. */

const UNITS = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/**
 * 10737418240 -> "10 GiB", 1536 -> "1.5 KiB", 16106127360 -> "15 GiB", 16542863360 -> "15.4 GiB": one decimal below 100,
 * none from 100 or for whole numbers. The one byte formatter of the inspector, the CLI and the portal (lib/units.ts).
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "an impossible number of bytes";
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${n} ${n === 1 ? "byte" : "bytes"}`;
  const text = value >= 100 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, "");
  return `${text} ${UNITS[unit]}`;
}

/** "1 L2 table", "1,234 L2 tables", "2 entries" (pass `many` when the plural is not `one` + "s"). */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
