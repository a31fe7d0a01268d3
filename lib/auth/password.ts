import { hash, verify } from "@node-rs/argon2";

// Algorithm 2 is argon2id; the library's defaults follow OWASP's memory and time costs.
const ARGON2ID = 2;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verifying against a fixed hash when the email is unknown keeps sign-in time the same
// whether or not the account exists.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword("hangar-dummy-password-for-timing");
  return dummyHash;
}
