import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestDatabase } from "./postgres";

/**
 * Where a test of one migration works: a scratch directory, copies of a migration history cut where the
 * test wants (the migrations before the one tested, then that one alone), and the databases it made.
 */
export function migrationScratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-migration-"));
  const databases: TestDatabase[] = [];
  return {
    dir,
    databases,
    /** A migrations directory with the migrations of an engine (its folder `from`) that `keep` selects. */
    migrations: (from: string, keep: (name: string) => boolean): string => {
      const target = fs.mkdtempSync(path.join(dir, "migrations-"));
      for (const entry of fs.readdirSync(from).filter(keep)) fs.cpSync(path.join(from, entry), path.join(target, entry), { recursive: true });
      return target;
    },
    cleanUp: async (): Promise<void> => {
      for (const database of databases) await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
