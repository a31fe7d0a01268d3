import fs from "node:fs";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { imageRow, storedFile } from "./data";
import { ADMIN, DEMO, signIn } from "./session";

const region = (page: Page, name: RegExp) => page.getByRole("region", { name });
const rowOf = (list: Locator, name: string) => list.getByRole("row", { name: new RegExp(name) });

/** Right-clicks a row, picks a menu entry and confirms its dialog with `confirm`. */
async function curate(page: Page, row: Locator, entry: string, confirm: string): Promise<void> {
  await row.click({ button: "right" });
  await page.getByRole("menuitem", { name: entry }).click();
  await page.getByRole("dialog").getByRole("button", { name: confirm }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
}

/** Seed images are validated after the server starts; curation needs them ready. */
async function waitUntilReady(page: Page, row: Locator): Promise<void> {
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText("ready", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
}

test("an admin deprecates and restores a platform image, and publishes a user's image as a platform copy", async ({ browser }) => {
  const admin = await browser.newPage();
  await signIn(admin, ADMIN);
  await admin.goto("/admin");
  const catalog = region(admin, /Platform catalog/);
  const ubuntu = rowOf(catalog, "Ubuntu 24.04 LTS");
  await waitUntilReady(admin, ubuntu);

  await curate(admin, ubuntu, "Deprecate", "Deprecate");
  await expect(ubuntu).toContainText("deprecated");

  const demo = await browser.newPage();
  await signIn(demo, DEMO);
  const platform = region(demo, /Platform images/);
  await expect(platform.getByRole("link", { name: "Debian 12 (bookworm)" })).toBeVisible();
  await expect(platform.getByRole("link", { name: "Ubuntu 24.04 LTS" })).toHaveCount(0);
  await platform.getByRole("link", { name: "Show deprecated" }).click();
  await expect(platform.getByRole("link", { name: "Hide deprecated" })).toBeVisible();
  await expect(rowOf(platform, "Ubuntu 24.04 LTS")).toContainText("deprecated");

  await curate(admin, ubuntu, "Restore (undeprecate)", "Restore");
  await expect(ubuntu).toContainText("ready");
  await demo.goto("/images");
  await expect(rowOf(platform, "Ubuntu 24.04 LTS")).toContainText("ready");
  await expect(rowOf(platform, "Ubuntu 24.04 LTS")).not.toContainText("deprecated");

  const golden = rowOf(region(admin, /private images/), "postgres-16-golden");
  await waitUntilReady(admin, golden);
  await golden.click({ button: "right" });
  await admin.getByRole("menuitem", { name: "Publish to platform" }).click();
  const dialog = admin.getByRole("dialog");
  await dialog.getByLabel("Name in the platform catalog").fill("PostgreSQL 16 golden");
  await dialog.getByRole("button", { name: "Publish copy" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(catalog.getByRole("link", { name: "PostgreSQL 16 golden" })).toBeVisible();

  await demo.reload();
  await expect(platform.getByRole("link", { name: "PostgreSQL 16 golden" })).toBeVisible();
  await expect(region(demo, /My images/).getByRole("link", { name: "postgres-16-golden" })).toBeVisible();
  // A copy: two records, two files, the same bytes.
  const [original, copy] = [imageRow("postgres-16-golden"), imageRow("PostgreSQL 16 golden")];
  expect(original?.storageKey && copy?.storageKey && original.storageKey !== copy.storageKey).toBe(true);
  expect(copy?.sha256).toBe(original?.sha256);
  expect(fs.existsSync(storedFile(original?.storageKey ?? ""))).toBe(true);
  expect(fs.existsSync(storedFile(copy?.storageKey ?? ""))).toBe(true);
});
