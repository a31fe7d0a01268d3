import { type Checksum } from "../checksums/checksum";
import { checksumFor, parseChecksumFile } from "../checksums/checksum-file";
import { isClearSigned, type SignatureResult, verifyClearSigned, verifyDetached } from "../checksums/signature";
import type { ImportConfig } from "./config";
import { ImportFailure } from "./errors";
import { openUrl, parseImportUrl } from "./guarded-http";
import { trustedKeys } from "./trusted-keys";

/** A checksum file is a few lines per published file, its signature less: a longer answer is not one. */
const MAX_CHECKSUM_FILE = 1 << 20;

/** Where an import's checksum comes from: a checksum file, and what vouches for it. */
export interface ChecksumSource {
  checksumUrl: string;
  /** A detached signature of the checksum file (Debian's SHA256SUMS.sign, Ubuntu's SHA256SUMS.gpg). */
  signatureUrl?: string;
  /** An armored public key trusted for this import, besides the administrator's. */
  signingKey?: string;
}

/** A small file (a checksum file, a signature), fetched under the same rules as the import itself. */
async function fetchSmall(field: string, text: string, config: ImportConfig, signal?: AbortSignal): Promise<{ url: URL; bytes: Buffer }> {
  const url = parseImportUrl(text);
  if (typeof url === "string") throw new ImportFailure("invalid", `The ${field}: ${url}`);
  const { response } = await openUrl(url, { config, signal });
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_CHECKSUM_FILE) {
      response.destroy();
      throw new ImportFailure("invalid", `${url.href} is larger than 1 MiB: not a ${field.replace(/ URL$/, "")}.`);
    }
    chunks.push(chunk);
  }
  return { url, bytes: Buffer.concat(chunks) };
}

/**
 * The text of a checksum file that its signature vouches for: a clear-signed one's signed part, or the
 * whole file under a detached signature, each verified against the trusted keys. A bad signature is
 * always refused; one by no trusted key unless the administrator accepts those. An unsigned file is
 * taken as it is, unless a key was given: then a signature was expected.
 */
async function vouchedText(source: ChecksumSource, url: URL, bytes: Buffer, config: ImportConfig, signal?: AbortSignal): Promise<string> {
  const text = bytes.toString("utf8");
  const what = url.href;
  let result: SignatureResult;
  if (source.signatureUrl) {
    const signature = await fetchSmall("signature URL", source.signatureUrl, config, signal);
    result = await verifyDetached(what, bytes, signature.bytes, await trustedKeys(config.keys, source.signingKey));
  } else if (isClearSigned(text)) {
    result = await verifyClearSigned(what, text, await trustedKeys(config.keys, source.signingKey));
  } else {
    if (source.signingKey)
      throw new ImportFailure(
        "invalid",
        `${what} is not signed, so the key given verifies nothing: give its detached signature's URL (SHA256SUMS.sign, SHA256SUMS.gpg).`,
      );
    return text;
  }
  if (result.ok) return result.value.text;
  if (result.kind === "untrusted" && config.acceptUntrustedSignatures && result.unverified !== null) return result.unverified;
  const fix = result.kind === "untrusted" ? " Give the signer's public key with the import, or ask an administrator to add it to HANGAR_IMPORT_KEYS." : "";
  throw new ImportFailure("invalid", result.message + fix);
}

/**
 * The checksum a published checksum file (SHA256SUMS, SHA512SUMS, CHECKSUM; clear-signed, with a detached
 * signature, or unsigned) gives for `fileName`, fetched under the same rules as the import itself.
 */
export async function checksumFromUrl(source: ChecksumSource, fileName: string, config: ImportConfig, signal?: AbortSignal): Promise<Checksum> {
  const { url, bytes } = await fetchSmall("checksum URL", source.checksumUrl, config, signal);
  const parsed = parseChecksumFile(await vouchedText(source, url, bytes, config, signal));
  const entry = checksumFor(parsed, fileName);
  if (!entry) {
    const listed = parsed.entries.length
      ? `it lists ${parsed.entries.length} other file${parsed.entries.length > 1 ? "s" : ""}`
      : "it has no SHA-256 or SHA-512 lines";
    throw new ImportFailure("invalid", `${url.href} has no SHA-256 or SHA-512 for ${fileName} (${listed}).`);
  }
  return { algorithm: entry.algorithm, hex: entry.hex };
}
