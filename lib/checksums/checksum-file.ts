import { algorithmOfHex, type Checksum, type ChecksumAlgorithm } from "./checksum";

/** One line of a checksum file: which file it is about, and its checksum. */
export interface ChecksumEntry extends Checksum {
  fileName: string;
}

export interface ChecksumFile {
  entries: ChecksumEntry[];
  /** The file was clear-signed with OpenPGP (its signature is not checked here). */
  signed: boolean;
}

const BEGIN_SIGNED = "-----BEGIN PGP SIGNED MESSAGE-----";
const BEGIN_SIGNATURE = "-----BEGIN PGP SIGNATURE-----";
/** Lines of a real checksum file are short; a longer one is not one of them. */
const MAX_LINE = 4096;

/**
 * The body of an OpenPGP clear-signed message (RFC 4880 §7): after the armor header lines and the
 * empty line that ends them, up to the signature, with dash-escaped lines ("- -----...") unescaped.
 */
function clearSignedBody(lines: string[]): string[] {
  const start = lines.findIndex((line) => line.trim() === BEGIN_SIGNED);
  if (start < 0) return lines;
  let at = start + 1;
  while (at < lines.length && lines[at].trim() !== "") at++;
  const end = lines.findIndex((line, i) => i > at && line.trim() === BEGIN_SIGNATURE);
  return lines.slice(at + 1, end < 0 ? lines.length : end).map((line) => (line.startsWith("- ") ? line.slice(2) : line));
}

/** GNU coreutils' escaping of names with a backslash or a newline: the line starts with "\", names use \\ and \n. */
const unescapeGnu = (name: string) => name.replace(/\\(\\|n)/g, (_, c: string) => (c === "n" ? "\n" : "\\"));

const BSD_NAMES: Record<string, ChecksumAlgorithm> = { SHA256: "sha256", SHA512: "sha512" };

function parseLine(line: string): ChecksumEntry | null {
  // BSD style (Fedora, Rocky, `sha256sum --tag`): SHA256 (file) = hex
  const bsd = /^(SHA256|SHA512|SHA2-256|SHA2-512) ?\((.+)\) ?= ?([0-9a-fA-F]+)$/.exec(line);
  if (bsd) {
    const algorithm = BSD_NAMES[bsd[1].replace("SHA2-", "SHA")];
    if (algorithmOfHex(bsd[3]) !== algorithm) return null;
    return { algorithm, hex: bsd[3].toLowerCase(), fileName: bsd[2] };
  }
  // GNU style (Debian, Ubuntu, sha256sum): hex, a space, then " " (text) or "*" (binary), then the name.
  const escaped = line.startsWith("\\");
  const gnu = /^([0-9a-fA-F]+) [ *](.+)$/.exec(escaped ? line.slice(1) : line);
  if (!gnu) return null;
  const algorithm = algorithmOfHex(gnu[1]);
  if (!algorithm) return null;
  return { algorithm, hex: gnu[1].toLowerCase(), fileName: escaped ? unescapeGnu(gnu[2]) : gnu[2] };
}

/**
 * The entries of a checksum file as distributions publish them: GNU SHA256SUMS and SHA512SUMS
 * (Debian, Ubuntu: "HEX  name" or "HEX *name"), BSD-style CHECKSUM files (Fedora, Rocky:
 * "SHA256 (name) = HEX"), either of them clear-signed with OpenPGP. Comments, blank lines and
 * lines of other algorithms (MD5, SHA-1) are skipped.
 */
export function parseChecksumFile(text: string): ChecksumFile {
  const lines = text.split(/\r?\n/);
  const signed = lines.some((line) => line.trim() === BEGIN_SIGNED);
  const entries: ChecksumEntry[] = [];
  for (const raw of clearSignedBody(lines)) {
    const line = raw.trimEnd();
    if (line === "" || line.startsWith("#") || line.length > MAX_LINE) continue;
    const entry = parseLine(line);
    if (entry) entries.push(entry);
  }
  return { entries, signed };
}

/** The last path segment of a name as checksum files write it ("./debian.qcow2", "images/x.qcow2"). */
const baseName = (name: string) => name.replace(/\\/g, "/").split("/").at(-1);

/**
 * The checksum for `fileName` (the file's own name, as in the URL), preferring SHA-512 when both
 * are listed. Matches the name exactly, else its last path segment.
 */
export function checksumFor(file: ChecksumFile, fileName: string): ChecksumEntry | null {
  const matching = file.entries.filter((entry) => entry.fileName === fileName || baseName(entry.fileName) === fileName);
  return matching.find((entry) => entry.algorithm === "sha512") ?? matching.at(0) ?? null;
}
