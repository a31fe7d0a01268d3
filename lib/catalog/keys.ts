import { randomBytes } from "node:crypto";

/** A fresh storage key: random, never derived from anything a client sent. */
export function newStorageKey(): string {
  return randomBytes(16).toString("base64url");
}
