import path from "node:path";
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/** The slower tier's files (vitest.slow.config.ts). */
const SLOW = "**/*.slow.test.ts";

/** The suites that touch the database: they run a second time on PostgreSQL. */
const DATABASE_SUITES = [
  "lib/catalog/**/*.test.ts",
  "lib/uploads/**/*.test.ts",
  "lib/imports/**/*.test.ts",
  "lib/api/**/*.test.ts",
  "lib/auth/**/*.test.ts",
  "lib/sso/**/*.test.ts",
  "lib/audit/**/*.test.ts",
  "app/**/*.test.ts",
  "lib/server/readiness.test.ts",
  "lib/server/health-routes.test.ts",
  "lib/server/shutdown.test.ts",
  "lib/server/metrics-route.test.ts",
  "lib/db/migrations-at-start.test.ts",
  "lib/db/direct-reads.test.ts",
];
/** Suites that compare or migrate both databases: in PostgreSQL's project only. */
const BOTH_DATABASES = [
  "lib/db/engines-alike.test.ts",
  "lib/cluster/**/*.test.ts",
  "lib/db/name-key-migration.test.ts",
  "lib/db/projects-migration.test.ts",
  "scripts/db/**/*.test.ts",
];
/** Suites against the object store (a Ceph RGW). */
const S3_SUITES = [
  "lib/storage/s3-store.test.ts",
  "lib/uploads/s3-area.test.ts",
  "lib/catalog/validation-s3.test.ts",
  "lib/server/s3-server.test.ts",
  "lib/admin/migrate-storage.test.ts",
];
/** The catalog and upload suites, run again on the cluster's shape: PostgreSQL and S3 (project "postgresql-s3"). */
const CATALOG_AND_UPLOADS = ["lib/catalog/**/*.test.ts", "lib/uploads/**/*.test.ts"];
/** Of those, the suites that test the local directory itself, which S3 has no twin of. */
const LOCAL_ONLY = [
  // The upload directory's free space: a bucket has none to measure (S3UploadArea.freeSpace is null).
  "lib/uploads/room.test.ts",
];
/** Suites that start the engines and nodes themselves (scripts/cluster/*.sh). */
const CLUSTER_SUITES = ["scripts/cluster/**/*.test.ts"];

/** A project's settings; every project builds the fixtures first (lib/testing/global-setup.ts). */
export function project(test: NonNullable<TestProjectInlineConfiguration["test"]> & { name: string; include: string[] }): TestProjectInlineConfiguration {
  return {
    resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
    test: {
      environment: "node",
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...test,
      globalSetup: ["lib/testing/global-setup.ts", ...[test.globalSetup ?? []].flat()],
    },
  };
}

// Every suite on SQLite and a local directory; the database suites again on PostgreSQL, in parallel
// files, against a server the project starts (lib/testing/postgres-setup.ts); the S3 suites against a
// Ceph RGW (lib/testing/ceph-setup.ts); the cluster suites start their own engines. `--project sqlite`
// runs one shape.
export default defineConfig({
  test: {
    projects: [
      project({
        name: "sqlite",
        include: ["lib/**/*.test.ts", "scripts/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.ts"],
        // The slower tier (tests that boot a libguestfs appliance) runs on its own: vitest.slow.config.ts.
        exclude: [...configDefaults.exclude, ...BOTH_DATABASES, ...S3_SUITES, ...CLUSTER_SUITES, SLOW],
      }),
      project({
        name: "postgresql",
        include: [...DATABASE_SUITES, ...BOTH_DATABASES],
        exclude: [...configDefaults.exclude, ...S3_SUITES, SLOW],
        globalSetup: "lib/testing/postgres-setup.ts",
        env: { HANGAR_TEST_DATABASE: "postgresql" },
      }),
      // On PostgreSQL: uploads on S3 are the cluster's shape, with its upload locks (lib/cluster/upload-locker.ts).
      project({
        name: "s3",
        include: S3_SUITES,
        globalSetup: ["lib/testing/ceph-setup.ts", "lib/testing/postgres-setup.ts"],
        env: { HANGAR_TEST_DATABASE: "postgresql" },
      }),
      // The catalog and upload suites with images and uploads in progress in a bucket of the RGW (lib/testing/test-storage.ts),
      // on the s3 project's engines; the production servers they start too (lib/testing/hangar-process.ts).
      project({
        name: "postgresql-s3",
        include: CATALOG_AND_UPLOADS,
        exclude: [...configDefaults.exclude, ...S3_SUITES, ...LOCAL_ONLY, SLOW],
        globalSetup: ["lib/testing/ceph-setup.ts", "lib/testing/postgres-setup.ts"],
        env: { HANGAR_TEST_DATABASE: "postgresql", HANGAR_TEST_STORAGE: "s3" },
      }),
      project({ name: "cluster", include: CLUSTER_SUITES, exclude: [...configDefaults.exclude, SLOW] }),
    ],
  },
});
