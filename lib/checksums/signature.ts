import { createMessage, type PublicKey, readCleartextMessage, readKeys, readSignature, type Signature, verify, type VerifyMessageResult } from "openpgp";

type VerificationResult = VerifyMessageResult["signatures"][number];

/** What a verified (or, where an administrator allows it, unverifiable) signed checksum file says. */
export interface SignedText {
  /** The signed text itself: for a clear-signed file, only what the signature covers. */
  text: string;
  /** Who signed it ("Debian CD signing key <debian-cd@lists.debian.org> (DF9B9C49EAA9298432589D76DA87E80D6294BE9B)"), or null when no trusted key did. */
  signer: string | null;
}

/**
 * Why a signature does not count: "untrusted" (signed by no key the server trusts) may be waived by an
 * administrator; "bad_signature" (a trusted key's signature that does not match the bytes, which were
 * changed after signing, or no readable signature at all) never is.
 */
export type SignatureError = "untrusted" | "bad_signature";

export const isClearSigned = (text: string) => text.trimStart().startsWith("-----BEGIN PGP SIGNED MESSAGE-----");

const describeKey = (key: PublicKey) => `${key.getUserIDs()[0] ?? "a key without a user id"} (${key.getFingerprint().toUpperCase()})`;

/** A failure says its kind, so that the caller may accept an untrusted signature if its configuration says so (with the text as signed). */
export type SignatureResult = { ok: true; value: SignedText } | { ok: false; kind: SignatureError; message: string; unverified: string | null };

/** The first signature by a trusted key decides: it matches the bytes, or they were changed. */
async function judge(what: string, signatures: VerificationResult[], keys: PublicKey[], text: string): Promise<SignatureResult> {
  for (const signature of signatures) {
    const key = keys.find((candidate) => candidate.getKeys(signature.keyID).length > 0);
    if (!key) continue;
    try {
      await signature.verified;
      return { ok: true, value: { text, signer: describeKey(key) } };
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const message = `${what} does not match its signature by ${describeKey(key)} (${why}): it was changed after it was signed, so it is not used.`;
      return { ok: false, kind: "bad_signature", message, unverified: null };
    }
  }
  const ids = [...new Set(signatures.map(({ keyID }) => keyID.toHex().toUpperCase()))].join(", ") || "(none)";
  return { ok: false, kind: "untrusted", message: `${what} is signed by key ${ids}, which is not among the keys this server trusts.`, unverified: text };
}

/** A signature that cannot be read is as bad as one that does not match. */
const unreadable = (message: string): SignatureResult => ({ ok: false, kind: "bad_signature", message, unverified: null });

/** Verifies an OpenPGP clear-signed text (Fedora's and Rocky's CHECKSUM) against `keys`. */
export async function verifyClearSigned(what: string, armored: string, keys: PublicKey[]): Promise<SignatureResult> {
  let message;
  try {
    message = await readCleartextMessage({ cleartextMessage: armored });
  } catch (error) {
    return unreadable(`${what} is not a readable clear-signed message (${error instanceof Error ? error.message : String(error)}).`);
  }
  const { signatures, data } = await verify({ message, verificationKeys: keys });
  return judge(what, signatures, keys, data);
}

/** Verifies a detached signature, armored or binary (Debian's SHA256SUMS.sign, Ubuntu's SHA256SUMS.gpg), of `data` against `keys`. */
export async function verifyDetached(what: string, data: Buffer, signatureBytes: Buffer, keys: PublicKey[]): Promise<SignatureResult> {
  let signature: Signature;
  try {
    const armored = signatureBytes.toString("latin1").trimStart().startsWith("-----BEGIN PGP");
    signature = armored ? await readSignature({ armoredSignature: signatureBytes.toString("utf8") }) : await readSignature({ binarySignature: signatureBytes });
  } catch (error) {
    return unreadable(`The signature of ${what} is not an OpenPGP signature (${error instanceof Error ? error.message : String(error)}).`);
  }
  const message = await createMessage({ binary: data });
  const { signatures } = await verify({ message, signature, verificationKeys: keys, format: "binary" });
  return judge(what, signatures, keys, data.toString("utf8"));
}

/** The public keys in an armored (or binary) OpenPGP key file: a keyring may hold several. */
export async function parseKeys(bytes: Buffer): Promise<PublicKey[]> {
  const armored = bytes.toString("latin1").trimStart().startsWith("-----BEGIN PGP");
  const keys = armored ? await readKeys({ armoredKeys: bytes.toString("utf8") }) : await readKeys({ binaryKeys: bytes });
  return keys.map((key) => key.toPublic());
}
