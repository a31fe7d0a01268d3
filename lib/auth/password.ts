import { hash, verify } from "@node-rs/argon2";

// The library's defaults are argon2id with OWASP's memory and time costs (users.test.ts pins argon2id).
// Its Algorithm enum is an ambient const enum, which isolated modules cannot read at run time.

export function hashPassword(password: string): Promise<string> {
  return hash(password);
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
