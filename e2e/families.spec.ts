import { expect, type Page, test } from "@playwright/test";
import { expectAccessible } from "./accessibility";
import { docsScreenshot } from "./docs-screenshot";
import { DEMO, signIn } from "./session";
import { dropFiles, guestQcow2 } from "./upload-files";

const myImages = (page: Page) => page.getByRole("region", { name: /My images/ });
const FAMILY = `e2e-golden-${Date.now().toString(36)}`;

/** Drops a guest image on My images and uploads it as `version` of the family, waiting until it is ready. */
async function uploadVersion(page: Page, version: string, minMemory?: string): Promise<void> {
  const guest = guestQcow2(`${FAMILY}-${version}`);
  if ("skipped" in guest) throw new Error(`guest fixtures not built: ${guest.skipped}`);
  await dropFiles(page, page.locator("[data-drop-zone=private]"), [guest.file]);
  const dialog = page.getByRole("dialog", { name: "Upload an image" });
  await expect(dialog).toContainText("qcow2");
  await dialog.getByLabel("Family (optional)").fill(FAMILY);
  await dialog.getByLabel("Version", { exact: true }).click();
  await dialog.getByLabel("Version", { exact: true }).fill(version);
  if (minMemory) {
    await dialog.getByText("Properties (optional)").click();
    await dialog.getByLabel("Minimum memory").fill(minMemory);
  } else {
    // The second version starts from the first one's properties.
    await expect(dialog).toContainText("Properties start from version 1.9 of this family");
    await expectAccessible(page, "the upload dialog with a family and its defaults");
    await dialog.getByText("Properties (optional)").click();
    await expect(dialog.getByLabel("Minimum memory")).toHaveValue("2048");
  }
  await dialog.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(dialog).toHaveCount(0);
}

test("a user uploads two versions of a family, sees it with its latest, opens the history, deprecates the older one and sees the warning", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, DEMO);
  await uploadVersion(page, "1.9", "2048");
  const row = myImages(page).getByRole("row", { name: new RegExp(`${FAMILY}-1\\.9`) });
  await expect(row).toContainText("ready", { timeout: 60_000 });
  await uploadVersion(page, "1.10");

  // One row for the family: its newest version (1.10 after 1.9, by the version order), linking to the history.
  const familyRows = myImages(page).getByRole("row", { name: new RegExp(FAMILY) });
  await expect(async () => {
    await page.reload();
    await expect(familyRows).toHaveCount(1, { timeout: 1_000 });
    await expect(familyRows).toContainText("ready", { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(familyRows).toContainText(`${FAMILY}-1.10`);
  await expect(familyRows).toContainText("version 1.10");

  await familyRows.getByRole("link", { name: `Version history of ${FAMILY}` }).click();
  await expect(page.getByRole("heading", { name: `${FAMILY} version history` })).toBeVisible();
  await expect(page.getByText(`${FAMILY}@latest is version 1.10`)).toBeVisible();
  const versions = page.getByRole("region", { name: "Versions" }).getByRole("row");
  await expect(versions.nth(1)).toContainText("1.10latest");
  await expect(versions.nth(2)).toContainText("1.9");
  await expectAccessible(page, "a family's version history");

  const older = versions.nth(2);
  await older.getByRole("button", { name: `Actions for ${FAMILY}-1.9` }).click();
  await page.getByRole("menuitem", { name: "Deprecate…" }).click();
  const dialog = page.getByRole("dialog", { name: "Deprecate image?" });
  await expect(dialog.getByLabel("Replacement (an image id or FAMILY@latest)")).toHaveValue(`${FAMILY}@latest`);
  await expectAccessible(page, "the deprecate dialog");
  await docsScreenshot(page, "deprecate-dialog", { fullPage: false });
  await dialog.getByRole("button", { name: "Deprecate" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(older).toContainText("deprecated");
  await expect(older).toContainText(`${FAMILY}@latest`);
  await docsScreenshot(page, "family-history");

  await older.getByRole("link", { name: `${FAMILY}-1.9` }).click();
  const warning = page.getByRole("status").filter({ hasText: "This image is deprecated" });
  await expect(warning).toContainText(`Use ${FAMILY}@latest instead.`);
  await expectAccessible(page, "a deprecated image's page");
  await docsScreenshot(page, "deprecated-image");
  // The pointer is a portal URL that resolves the family's newest version.
  await warning.getByRole("link", { name: `${FAMILY}@latest` }).click();
  await expect(page.getByRole("heading", { name: `${FAMILY}-1.10` })).toBeVisible();
});
