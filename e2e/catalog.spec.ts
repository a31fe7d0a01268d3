import { createHash } from "node:crypto";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { qemuImg } from "../lib/inspect/testing/qemu-img";
import { expectAccessible } from "./accessibility";
import { imageRow, storedFile } from "./data";
import { ADMIN, DEMO, signIn } from "./session";

const myImages = (page: import("@playwright/test").Page) => page.getByRole("region", { name: /My images/ });
const platformImages = (page: import("@playwright/test").Page) => page.getByRole("region", { name: /Platform images/ });

test("a wrong password gets one clear message", async ({ page }) => {
  await page.goto("/images");
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel("Email").fill(DEMO.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong email or password.");
  await page.getByLabel("Email").fill("nobody@hangar.local");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Wrong email or password.");
});

test("the demo user sees both lists, renames and deletes a private image from its context menu", async ({ page }) => {
  await signIn(page, DEMO);
  await expect(platformImages(page).getByRole("link", { name: "Debian 12 (bookworm)" })).toBeVisible();
  await expect(myImages(page).getByRole("link", { name: "build-agent" })).toBeVisible();

  await myImages(page)
    .getByRole("row", { name: /build-agent/ })
    .click({ button: "right" });
  await page.getByRole("menuitem", { name: "Rename" }).click();
  const name = page.getByRole("dialog").getByLabel("Name");
  await name.fill("   ");
  await page.getByRole("dialog").getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("Give the image a name");
  await name.fill("ci-build-agent");
  await page.getByRole("dialog").getByRole("button", { name: "Rename" }).click();
  await expect(myImages(page).getByRole("link", { name: "ci-build-agent" })).toBeVisible();
  await page.reload();
  await expect(myImages(page).getByRole("link", { name: "ci-build-agent" })).toBeVisible();

  const stored = imageRow("ci-build-agent");
  expect(stored?.storageKey).toBeTruthy();
  expect(fs.existsSync(storedFile(stored?.storageKey ?? ""))).toBe(true);
  await myImages(page).getByRole("button", { name: "Actions for ci-build-agent" }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  await expect(page.getByRole("dialog")).toContainText("ci-build-agent");
  await page.getByRole("button", { name: "Delete image" }).click();
  await expect(myImages(page).getByRole("link", { name: "ci-build-agent" })).toHaveCount(0);
  await page.reload();
  await expect(myImages(page).getByRole("link", { name: "ci-build-agent" })).toHaveCount(0);
  expect(imageRow("ci-build-agent")).toBeUndefined();
  expect(fs.existsSync(storedFile(stored?.storageKey ?? ""))).toBe(false);
});

test("edit properties shows a message next to a bad field and saves good values", async ({ page }) => {
  await signIn(page, DEMO);
  await myImages(page)
    .getByRole("row", { name: /postgres-16-golden/ })
    .click({ button: "right" });
  await page.getByRole("menuitem", { name: "Edit properties" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Minimum memory (MiB)").fill("-512");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.locator("#prop-min-memory-error")).toHaveText("Minimum memory cannot be negative.");
  await dialog.getByLabel("Minimum memory (MiB)").fill("3072");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(myImages(page).getByRole("row", { name: /postgres-16-golden/ })).toContainText("3 GiB");
});

test("a platform row offers only View and Download to a user, and /admin is 403", async ({ page }) => {
  await signIn(page, DEMO);
  await platformImages(page)
    .getByRole("row", { name: /Ubuntu 24.04 LTS/ })
    .click({ button: "right" });
  const menu = page.getByRole("menu");
  await expect(menu.getByRole("menuitem")).toHaveText(["View", "Download"]);
  await page.keyboard.press("Escape");
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "This page is for administrators" })).toBeVisible();
});

test("an admin changes a platform image's minimum memory and the demo user sees it", async ({ browser }) => {
  const admin = await browser.newPage();
  await signIn(admin, ADMIN);
  await admin.goto("/admin");
  const catalog = admin.getByRole("region", { name: /Platform catalog/ });
  await catalog.getByRole("row", { name: /RHEL 9/ }).click({ button: "right" });
  await admin.getByRole("menuitem", { name: "Edit properties" }).click();
  await admin.getByRole("dialog").getByLabel("Minimum memory (MiB)").fill("6144");
  await admin.getByRole("dialog").getByRole("button", { name: "Save" }).click();
  await expect(catalog.getByRole("row", { name: /RHEL 9/ })).toContainText("6 GiB");

  const demo = await browser.newPage();
  await signIn(demo, DEMO);
  await expect(platformImages(demo).getByRole("row", { name: /RHEL 9/ })).toContainText("6 GiB");
});

test("a download returns the exact bytes, and a Range request the right slice", async ({ page }) => {
  await signIn(page, DEMO);
  const stored = imageRow("Debian 12 (bookworm)");
  const bytes = fs.readFileSync(storedFile(stored?.storageKey ?? ""));
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    (async () => {
      await platformImages(page)
        .getByRole("row", { name: /Debian 12/ })
        .click({ button: "right" });
      await page.getByRole("menuitem", { name: "Download" }).click();
    })(),
  ]);
  const file = await download.path();
  const sha = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  expect(sha).toBe(stored?.sha256);
  expect(download.suggestedFilename()).toMatch(/^Debian 12 \(bookworm\)\.\w+$/);

  const partial = await page.request.get(`/images/${stored?.id}/download`, { headers: { Range: "bytes=100-611" } });
  expect(partial.status()).toBe(206);
  expect(partial.headers()["content-range"]).toBe(`bytes 100-611/${bytes.length}`);
  expect(partial.headers()["content-length"]).toBe("512");
  expect(Buffer.compare(await partial.body(), bytes.subarray(100, 612))).toBe(0);

  const anonymous = await page.context().browser()?.newContext();
  const refused = await anonymous?.request.get(`http://127.0.0.1:${process.env.E2E_PORT ?? 3100}/images/${stored?.id}/download`, { maxRedirects: 0 });
  expect(refused?.status()).toBe(401);
  await anonymous?.close();
});

test("the image page offers a QCOW2 with compressed clusters: the same disk, in compressed clusters; a bad query is a 400 that says why", async ({ page }) => {
  await signIn(page, DEMO);
  // A platform image: the demo user's own "build-agent" is renamed and deleted by an earlier test of this file.
  const stored = imageRow("Debian 12 (bookworm)");
  await page.goto(`/images/${stored?.id}`);
  const choice = page.getByRole("link", { name: "QCOW2, compressed (smaller, slower)" });
  await expect(choice).toBeVisible();
  await expectAccessible(page, "the image page's download choices");
  const [download] = await Promise.all([page.waitForEvent("download"), choice.click()]);
  expect(download.suggestedFilename()).toBe("Debian 12 (bookworm).qcow2");
  const file = await download.path();
  const check = qemuImg(["check", "-f", "qcow2", file]);
  expect(check.stdout).toContain("No errors were found");
  expect(Number(/([\d.]+)% compressed clusters/.exec(check.stdout)?.[1])).toBeGreaterThan(0);
  expect(qemuImg(["compare", "-F", "qcow2", storedFile(stored?.storageKey ?? ""), file]).stdout).toContain("Images are identical");

  const refused = await page.request.get(`/images/${stored?.id}/download?format=raw&compression=zlib`);
  expect([refused.status(), await refused.text()]).toEqual([400, "compression applies to format=qcow2 only."]);
});

test("the row menu works from the keyboard alone", async ({ page }) => {
  await signIn(page, DEMO);
  const button = myImages(page).getByRole("button", { name: "Actions for postgres-16-golden" });
  await button.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menu")).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "View" })).toBeFocused();
  for (const item of ["Download", "Rename"]) {
    await page.keyboard.press("ArrowDown");
    await expect(page.getByRole("menuitem", { name: item })).toBeFocused();
  }
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog", { name: "Rename image" })).toBeVisible();
  await expect(page.getByRole("dialog").getByLabel("Name")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
});
