import { type Checksum } from "../checksums/checksum";
import { checksumFor, parseChecksumFile } from "../checksums/checksum-file";
import type { ImportConfig } from "./config";
import { ImportFailure } from "./errors";
import { openUrl, parseImportUrl } from "./guarded-http";

/** A checksum file is a few lines per published file: a longer answer is not one. */
const MAX_CHECKSUM_FILE = 1 << 20;

/**
 * The checksum a published checksum file (SHA256SUMS, SHA512SUMS, CHECKSUM, clear-signed or not) gives
 * for `fileName`, fetched under the same rules as the import itself.
 */
export async function checksumFromUrl(text: string, fileName: string, config: ImportConfig, signal?: AbortSignal): Promise<Checksum> {
  const url = parseImportUrl(text);
  if (typeof url === "string") throw new ImportFailure("invalid", `The checksum URL: ${url}`);
  const { response } = await openUrl(url, { config, signal });
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_CHECKSUM_FILE) {
      response.destroy();
      throw new ImportFailure("invalid", `${url.href} is larger than 1 MiB: not a checksum file.`);
    }
    chunks.push(chunk);
  }
  const parsed = parseChecksumFile(Buffer.concat(chunks).toString("utf8"));
  const entry = checksumFor(parsed, fileName);
  if (!entry) {
    const listed = parsed.entries.length
      ? `it lists ${parsed.entries.length} other file${parsed.entries.length > 1 ? "s" : ""}`
      : "it has no SHA-256 or SHA-512 lines";
    throw new ImportFailure("invalid", `${url.href} has no SHA-256 or SHA-512 for ${fileName} (${listed}).`);
  }
  return { algorithm: entry.algorithm, hex: entry.hex };
}
