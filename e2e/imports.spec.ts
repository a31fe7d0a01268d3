import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { fixtureFamily } from "../lib/testing/fixtures";
import { testDir } from "../lib/testing/test-dir";
import { type FixtureServer, startFixtureServer } from "../lib/imports/testing/fixture-server";
import { SIGNED_FILES } from "../lib/checksums/testing/checksum-files";
import { IMPORT_FILES, writeImportFiles } from "../lib/imports/testing/import-files";
import { expectAccessible } from "./accessibility";
import { imageRow } from "./data";
import { DEMO, signIn } from "./session";

let server: FixtureServer;

test.beforeAll(async () => {
  const guests = fixtureFamily("guests");
  if (guests.skipped) throw new Error(`guest fixtures not built: ${guests.skipped}`);
  const dir = path.join(testDir, "e2e-import-files");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  writeImportFiles(dir, guests.file("debian12-gpt-ext4.qcow2"));
  server = await startFixtureServer(dir);
});
test.afterAll(async () => {
  await server.close();
});

test("Import from URL: an xz-compressed QCOW2 verified against a signed SHA256SUMS reaches a ready image, its progress in the imports tray", async ({
  page,
}) => {
  await signIn(page, DEMO);
  await page.getByRole("button", { name: "Import from URL" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Import from a URL" });
  await dialog.getByLabel("URL").fill(`${server.base}/${IMPORT_FILES.xz}`);
  await dialog.getByLabel("Checksum (optional)").fill(`${server.base}/SHA256SUMS`);
  // A checksum file's URL offers its detached signature, verified against the key the server trusts.
  await dialog.getByLabel("Signature of the checksum file (optional)").fill(`${server.base}/${SIGNED_FILES.debianSignature}`);
  await dialog.getByLabel("Name (optional)").fill("imported-debian");
  await expectAccessible(page, "the import dialog");
  await page.screenshot({ path: "test-results/import-dialog.png" });
  await dialog.getByRole("button", { name: "Import" }).click();
  await expect(dialog).toBeHidden();

  const tray = page.getByRole("region", { name: "Imports" });
  const row = tray.getByRole("listitem", { name: IMPORT_FILES.xz });
  await expect(row).toContainText("ready to use", { timeout: 60_000 });
  await page.screenshot({ path: "test-results/import-tray.png" });
  await expect.poll(() => imageRow("imported-debian")?.sha256 ?? null).not.toBeNull();
  await page.reload();
  await expect(page.getByRole("region", { name: /My images/ }).getByRole("link", { name: "imported-debian" })).toBeVisible();
});

test("Import from URL refuses an address the server may not reach, in words, and creates nothing", async ({ page }) => {
  await signIn(page, DEMO);
  await page.getByRole("button", { name: "Import from URL" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Import from a URL" });
  await dialog.getByLabel("URL").fill("http://169.254.169.254/latest/meta-data/");
  await dialog.getByRole("button", { name: "Import" }).click();
  await expect(dialog.getByRole("alert")).toContainText("169.254.169.254 is a link-local address");
  expect(imageRow("meta-data")).toBeUndefined();
});
