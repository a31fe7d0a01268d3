import fsp from "node:fs/promises";
import path from "node:path";
import type { PublicKey } from "openpgp";
import { parseKeys } from "../checksums/signature";
import { ImportFailure } from "./errors";

/** The key files of a directory: what gpg exports and distributions publish. */
const KEY_FILE = /\.(asc|gpg|pgp|key|pub)$/i;

/** The public keys in the file or directory `source` (HANGAR_IMPORT_KEYS), read at each use: an administrator adds a key without a restart. */
async function configuredKeys(source: string): Promise<PublicKey[]> {
  const stat = await fsp.stat(source).catch(() => null);
  if (!stat) throw new ImportFailure("invalid", `The server's trusted keys (HANGAR_IMPORT_KEYS=${source}) cannot be read: ask an administrator.`);
  const files = stat.isDirectory()
    ? (await fsp.readdir(source))
        .filter((name) => KEY_FILE.test(name))
        .sort()
        .map((name) => path.join(source, name))
    : [source];
  const keys: PublicKey[] = [];
  for (const file of files) {
    try {
      keys.push(...(await parseKeys(await fsp.readFile(file))));
    } catch (error) {
      throw new ImportFailure(
        "invalid",
        `The server's trusted key file ${file} is not an OpenPGP key (${error instanceof Error ? error.message : String(error)}): ask an administrator.`,
      );
    }
  }
  return keys;
}

/** The keys a signed checksum file is verified against: the administrator's, and one given with the import. */
export async function trustedKeys(source: string | null, given: string | undefined): Promise<PublicKey[]> {
  const keys = source ? await configuredKeys(source) : [];
  if (given) {
    try {
      keys.push(...(await parseKeys(Buffer.from(given))));
    } catch (error) {
      throw new ImportFailure(
        "invalid",
        `The signing key given is not an armored OpenPGP public key (${error instanceof Error ? error.message : String(error)}): give the file that starts with -----BEGIN PGP PUBLIC KEY BLOCK-----.`,
      );
    }
  }
  return keys;
}
