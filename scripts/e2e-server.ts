import fs from "node:fs";
import path from "node:path";
import { testDir } from "../lib/testing/test-dir";

// A fresh data directory per run, so end-to-end tests start from the seed, never from a developer's data.
const dataDir = path.resolve(process.env.HANGAR_DATA_DIR ?? path.join(testDir, "e2e-data"));
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });
process.env.HANGAR_DATA_DIR = dataDir;
process.env.NEXTAUTH_URL ??= `http://127.0.0.1:${process.env.PORT ?? 3100}`;
// The seeded accounts the tests sign in with (lib/accounts/bootstrap.ts): production mode wants the password said.
process.env.HANGAR_ADMIN_PASSWORD ??= "hangar-admin";
process.env.HANGAR_DEMO ??= "1";

const { applyMigrations } = await import("../lib/db/migrate");
const { databaseProvider, databaseUrl } = await import("../lib/db/url");
// A PostgreSQL database comes migrated: the tests copy a migrated template (lib/testing/test-database.ts).
if (databaseProvider(databaseUrl()) === "sqlite") applyMigrations(path.join(dataDir, "hangar.db"));
const { catalogDeps } = await import("../lib/catalog/runtime");
const { seed } = await import("./seed-data");
await seed(catalogDeps());
await import("./start");
