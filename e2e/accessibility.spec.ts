import { expect, type Page, test } from "@playwright/test";
import { expectAccessible } from "./accessibility";
import { ADMIN, DEMO, signIn } from "./session";
import { dropFiles, guestQcow2, makeGzipped } from "./upload-files";

// axe-core (WCAG 2.1 AA) on every page and every dialog of the portal, in the states people meet them.
// Each check takes a second or two: these tests get more time than the default.
test.describe.configure({ timeout: 180_000 });

const myImages = (page: Page) => page.getByRole("region", { name: /My images/ });
const platformImages = (page: Page) => page.getByRole("region", { name: /Platform images/ });

/** Opens a row's menu, checks it, picks an entry, checks the dialog it opens and closes it. */
async function checkRowDialog(page: Page, list: ReturnType<typeof myImages>, row: string, entry: string, dialogName: string | RegExp) {
  await list.getByRole("button", { name: `Actions for ${row}` }).click();
  await expect(page.getByRole("menu")).toBeVisible();
  await expectAccessible(page, `the menu of ${row}`);
  await page.getByRole("menuitem", { name: entry }).click();
  const dialog = page.getByRole("dialog", { name: dialogName });
  await expect(dialog).toBeVisible();
  await expectAccessible(page, `${entry} on ${row}`);
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
}

test("sign-in, its error, the 404 page and the 403 page", async ({ page }) => {
  await page.goto("/signin");
  await expectAccessible(page, "/signin");
  await page.getByLabel("Email").fill(DEMO.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toBeVisible();
  await expectAccessible(page, "/signin with a wrong password");

  await signIn(page, DEMO);
  await page.goto("/no-such-page");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectAccessible(page, "the 404 page");
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectAccessible(page, "the 403 page");
});

test("a user's pages and dialogs: images, search, deprecated, menus, rename, edit, delete, an image, settings", async ({ page }) => {
  await signIn(page, DEMO);
  await expect(platformImages(page).getByRole("row").nth(1)).toBeVisible();
  await expectAccessible(page, "/images");

  await platformImages(page).getByRole("link", { name: "Show deprecated" }).click();
  await expect(page).toHaveURL(/deprecated/);
  await expectAccessible(page, "/images showing deprecated images");
  await page.goto("/images?mine.q=nothing-matches-this");
  await expect(myImages(page)).toContainText("No image in your project matches");
  await expectAccessible(page, "/images with a search that finds nothing");

  await page.goto("/images");
  await checkRowDialog(page, myImages(page), "build-agent", "Rename", "Rename image");
  await checkRowDialog(page, myImages(page), "build-agent", "Edit properties", /Edit properties/);
  await checkRowDialog(page, myImages(page), "build-agent", "Delete", "Delete image?");

  await platformImages(page).getByRole("row").nth(1).getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Validation report" })).toBeVisible();
  await expectAccessible(page, "a platform image's page");

  await page.goto("/settings");
  await expectAccessible(page, "/settings");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.locator("#token-name-error")).toBeVisible();
  await expectAccessible(page, "/settings with a field error");
  await page.getByLabel("Token name").fill("accessibility check");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByRole("status", { name: "New token" })).toBeVisible();
  await expectAccessible(page, "/settings showing a new token");
  await page.getByRole("button", { name: "Revoke accessibility check" }).click();
  await expect(page.getByRole("dialog", { name: "Revoke token" })).toBeVisible();
  await expectAccessible(page, "the Revoke token dialog");
  await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expectAccessible(page, "/settings with a revoked token");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page.getByRole("dialog", { name: "Sign out everywhere" })).toBeVisible();
  await expectAccessible(page, "the Sign out everywhere dialog");
  await page.keyboard.press("Escape");
});

test("the upload dialog with a refused and an accepted file, the upload tray, and a rejected image's report", async ({ page }) => {
  const guest = guestQcow2("a11y-no-virtio", "no-virtio.qcow2");
  if ("skipped" in guest) throw new Error(`guest fixtures not built: ${guest.skipped}`);
  await signIn(page, DEMO);
  await dropFiles(page, page.locator("[data-drop-zone=private]"), [makeGzipped("a11y-legacy"), "file" in guest ? guest.file : ""]);
  const dialog = page.getByRole("dialog", { name: /Upload/ });
  await expect(dialog.getByRole("listitem", { name: "a11y-legacy.raw.gz" })).toContainText("gunzip -k");
  await expectAccessible(page, "the upload dialog");
  await dialog.getByRole("listitem", { name: "a11y-no-virtio.qcow2" }).getByText("Properties (optional)").click();
  await expectAccessible(page, "the upload dialog with properties open");
  await dialog.getByRole("button", { name: "Upload", exact: true }).click();

  const row = myImages(page).getByRole("row", { name: /a11y-no-virtio/ });
  await expect(row).toContainText("rejected", { timeout: 30_000 });
  await expectAccessible(page, "/images with the upload tray");
  await row.getByRole("link", { name: "a11y-no-virtio" }).click();
  await expect(page.getByRole("region", { name: "Validation report" })).toContainText("Rejected");
  await expectAccessible(page, "a rejected image's validation report");
});

test("an admin's pages and dialogs: admin, publish, deprecate, restore, the platform upload dialog", async ({ page }) => {
  await signIn(page, ADMIN);
  await expectAccessible(page, "/images as an admin");
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Administration" })).toBeVisible();
  await expectAccessible(page, "/admin");

  const catalog = page.getByRole("region", { name: /Platform catalog/ });
  const first = catalog.getByRole("row").nth(1);
  const name = (await first.getByRole("link").first().textContent()) ?? "";
  await checkRowDialog(page, catalog, name, "Deprecate", "Deprecate image?");
  await checkRowDialog(page, catalog, name, "Rename", "Rename image");
  const users = page.getByRole("region", { name: /Users’ private images/ });
  const private1 = (await users.getByRole("row").nth(1).getByRole("link").first().textContent()) ?? "";
  await checkRowDialog(page, users, private1, "Publish to platform", /Publish/);
});
