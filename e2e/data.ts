import path from "node:path";
import Database from "better-sqlite3";
import { testDir } from "../lib/testing/test-dir";

/** The e2e server's data directory (see playwright.config.ts). */
export const E2E_DATA_DIR = path.join(testDir, "e2e-data");

/** Reads the e2e server's database directly, to check what the UI did to it. */
export function imageRow(name: string): { id: string; storageKey: string | null; sha256: string | null } | undefined {
  const db = new Database(path.join(E2E_DATA_DIR, "hangar.db"), { readonly: true });
  try {
    return db.prepare("SELECT id, storageKey, sha256 FROM Image WHERE name = ?").get(name) as
      { id: string; storageKey: string | null; sha256: string | null } | undefined;
  } finally {
    db.close();
  }
}

export const storedFile = (storageKey: string) => path.join(E2E_DATA_DIR, "images", storageKey);

/** Makes every session of a user look as if it signed in `minutes` ago (the server reads the database on each request). */
export function ageSessions(email: string, minutes: number): void {
  const db = new Database(path.join(E2E_DATA_DIR, "hangar.db"));
  try {
    const at = Date.now() - minutes * 60_000;
    // Prisma stores SQLite DateTime values as milliseconds since the epoch.
    db.prepare(`UPDATE "Session" SET "authenticatedAt" = ? WHERE "userId" = (SELECT "id" FROM "User" WHERE "email" = ?)`).run(at, email);
  } finally {
    db.close();
  }
}
