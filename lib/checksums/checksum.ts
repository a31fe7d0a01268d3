/** The algorithms an import can be verified with: SHA-256 and SHA-512, what distributions publish. Weaker ones (MD5, SHA-1) are refused. */
export const CHECKSUM_ALGORITHMS = ["sha256", "sha512"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface Checksum {
  algorithm: ChecksumAlgorithm;
  /** Lowercase hex. */
  hex: string;
}

const HEX_LENGTH: Record<ChecksumAlgorithm, number> = { sha256: 64, sha512: 128 };

/** The algorithm of a bare hex digest, by its length; null for lengths of other algorithms. */
export function algorithmOfHex(hex: string): ChecksumAlgorithm | null {
  if (!/^[0-9a-fA-F]+$/.test(hex)) return null;
  return CHECKSUM_ALGORITHMS.find((algorithm) => HEX_LENGTH[algorithm] === hex.length) ?? null;
}

/**
 * A checksum as a person gives it: "sha256:HEX", "sha512:HEX", or bare HEX (64 digits are SHA-256,
 * 128 SHA-512). Null when it is none of these.
 */
export function parseChecksum(text: string): Checksum | null {
  const match = /^\s*(?:(sha256|sha512)[:=])?\s*([0-9a-fA-F]+)\s*$/i.exec(text);
  if (!match) return null;
  const [, named, hex] = match;
  const algorithm = algorithmOfHex(hex);
  if (!algorithm || (named && named.toLowerCase() !== algorithm)) return null;
  return { algorithm, hex: hex.toLowerCase() };
}

export const formatChecksum = (checksum: Checksum): string => `${checksum.algorithm}:${checksum.hex}`;
