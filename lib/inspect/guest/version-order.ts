/**
 * Orders version strings the way `sort -V` and GRUB's kernel menu do: runs of
 * digits compare as numbers, everything else as text. "6.1.0-18" < "6.1.0-21".
 */
export function compareVersions(a: string, b: string): number {
  const tokens = (value: string) => value.match(/\d+|\D+/g) ?? [];
  const left = tokens(a);
  const right = tokens(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left.at(i);
    const y = right.at(i);
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xNumeric = /^\d/.test(x);
    const yNumeric = /^\d/.test(y);
    if (xNumeric && yNumeric) {
      const diff = Number(x) - Number(y);
      if (diff !== 0) return diff;
    } else if (x !== y) {
      if (xNumeric !== yNumeric) return xNumeric ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return 0;
}
