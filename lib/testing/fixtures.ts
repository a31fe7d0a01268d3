import fs from "node:fs";
import path from "node:path";
import { testDir } from "./test-dir";

/** Where scripts/fixtures/build.sh writes the generated fixtures. */
export const fixturesDir = path.resolve(process.env.HANGAR_FIXTURES ?? path.join(testDir, "fixtures"));

export interface FixtureFamily {
  dir: string;
  /** Why the family could not be built here (a missing system tool), or null when it was. */
  skipped: string | null;
  /** The path of one fixture in the family. */
  file(name: string): string;
}

/** A fixture family built by scripts/fixtures/NN-<family>.sh. */
export function fixtureFamily(family: string): FixtureFamily {
  const dir = path.join(fixturesDir, family);
  const skippedFile = path.join(dir, ".skipped");
  let skipped: string | null = null;
  if (fs.existsSync(skippedFile)) skipped = fs.readFileSync(skippedFile, "utf8").trim();
  else if (!fs.existsSync(path.join(dir, ".stamp"))) skipped = `fixture family "${family}" is not built (run scripts/fixtures/build.sh)`;
  // In CI a fixture that cannot be built fails the run (scripts/fixtures/build.sh stops it first); this is the
  // same rule where a test reaches for the family, so no test of CI's can skip on a missing fixture.
  if (skipped && process.env.CI) throw new Error(`fixture family "${family}" is needed in CI but was not built: ${skipped}`);
  if (skipped) console.warn(`SKIPPED fixtures "${family}": ${skipped}`);
  return { dir, skipped, file: (name) => path.join(dir, name) };
}
