import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseUrl } from "./lib/db/url";

// The schema's datasource reads DATABASE_URL; give it the same default the app uses.
process.env.DATABASE_URL ??= databaseUrl();

// Prisma's migrate engine is a native download; the JS engine with the SQLite
// adapter works offline, which is what a fresh machine without internet needs.
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  adapter() {
    return Promise.resolve(new PrismaBetterSQLite3({ url: databaseUrl() }));
  },
});
