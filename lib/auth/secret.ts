import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { dataDir } from "../db/url";

/** The Setting row that holds the secret every node shares. */
const SETTING = "auth-secret";

let shared: string | null = null;

/**
 * The secret that signs session cookies: NEXTAUTH_SECRET when set; otherwise the one every node
 * shares in the database, which loadAuthSecret reads when the server starts (docs/decisions.md,
 * "Shared configuration").
 */
export function authSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  if (shared === null) throw new Error("The auth secret is read when the server starts (loadAuthSecret), or set NEXTAUTH_SECRET.");
  return shared;
}

/** The secret an install of an earlier version kept in its data directory, if any: it becomes the shared one, so sessions survive. */
function earlierSecret(dir: string): string | null {
  try {
    return fs.readFileSync(path.join(dir, "auth-secret"), "utf8").trim() || null;
  } catch {
    return null;
  }
}

/**
 * At start, unless NEXTAUTH_SECRET is set: the shared secret from the database. The first node to
 * start writes it (an earlier install's file, or a random one); a node starting at the same time loses
 * the insert on the key and reads the winner's, so every node signs with the same secret.
 */
export async function loadAuthSecret(db: Db, dir = dataDir()): Promise<void> {
  if (process.env.NEXTAUTH_SECRET) return;
  const stored = await db.setting.findUnique({ where: { key: SETTING } });
  if (stored) {
    shared = stored.value;
    return;
  }
  try {
    await db.setting.create({ data: { key: SETTING, value: earlierSecret(dir) ?? randomBytes(32).toString("base64url") } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  shared = (await db.setting.findUniqueOrThrow({ where: { key: SETTING } })).value;
}
