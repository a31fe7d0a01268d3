/** The commands the checks suggest, written for the user's own file name. */

/** Quotes `word` for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./+:=@%,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The file name without its directory and last extension: "/x/disk.vhd" -> "disk". */
export function stem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() || "disk";
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

/** `fileName` with its last extension replaced, never equal to the input. */
export function renamed(fileName: string, extension: string, suffix = ""): string {
  const base = fileName.split(/[\\/]/).pop() || "disk";
  const out = `${stem(fileName)}${suffix}.${extension}`;
  return out === base ? `${stem(fileName)}-converted.${extension}` : out;
}

/** `qemu-img convert` from a format qemu reads to a standalone QCOW2. */
export function convertToQcow2(qemuFormat: string, fileName: string, extraSuffix = ""): string {
  return `qemu-img convert -p -f ${qemuFormat} -O qcow2 ${shellQuote(fileName)} ${shellQuote(renamed(fileName, "qcow2", extraSuffix))}`;
}
