import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumExecutable } from "./lib/testing/chromium";
import { testDir } from "./lib/testing/test-dir";

const port = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "e2e",
  // Failure traces and screenshots. Playwright empties this directory at the start of a run; the
  // fixtures, upload files and server data live outside the project (lib/testing/test-dir.ts).
  outputDir: "test-results/playwright",
  // The upload tests send fixture disks, and the CLI test downloads the hangar bundle from the
  // portal: build them before any test's clock starts.
  globalSetup: ["./lib/testing/global-setup.ts", "./lib/testing/cli-bundle-setup.ts"],
  // The README screenshots are taken on request (npm run screenshots), not in every run.
  testIgnore: process.env.SCREENSHOTS ? [] : ["**/screenshots.spec.ts"],
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 60_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath: chromiumExecutable(), args: CHROMIUM_ARGS },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1360, height: 900 } } }],
  webServer: {
    command: "node --import tsx scripts/e2e-server.ts",
    url: `http://127.0.0.1:${port}/signin`,
    reuseExistingServer: false,
    timeout: 120_000,
    // Imports in the tests come from a fixture server on loopback, which an administrator would allowlist as a mirror,
    // and its checksum files are signed by a key e2e/imports.spec.ts makes (read at each import, so it may come after the start).
    env: {
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      HANGAR_DATA_DIR: path.join(testDir, "e2e-data"),
      HANGAR_IMPORT_ALLOW: "127.0.0.1/32",
      HANGAR_IMPORT_KEYS: path.join(testDir, "e2e-import-files", "keys"),
    },
  },
});
