import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";

/**
 * Where the tests keep what they generate (fixtures, upload files, the e2e server's data): outside
 * the project, one directory per checkout. Inside the project, `next build` spent tens of minutes
 * on the fixtures' file trees (docs/decisions.md, "Test data outside the project").
 * scripts/test-dir.sh computes the same directory for the shell scripts.
 */
export const testDir = path.resolve(
  process.env.HANGAR_TEST_DIR ?? path.join(os.tmpdir(), `hangar-tests-${createHash("sha256").update(process.cwd()).digest("hex").slice(0, 12)}`),
);
