import { expect, test } from "@playwright/test";
import { ADMIN, DEMO, signIn } from "./session";
import { dropFiles, guestQcow2, makeGzipped, makeRandomFile, makeVhd } from "./upload-files";

// Refreshes the README's pictures (npm run screenshots); not part of the test run.
const shot = (name: string) => `docs/screenshots/${name}.png`;

test("screenshots for the README", async ({ page, browser }) => {
  await signIn(page, DEMO);
  await expect(page.getByRole("region", { name: /Platform images/ })).toBeVisible();
  await page.screenshot({ path: shot("images"), fullPage: true });

  await page
    .getByRole("region", { name: /My images/ })
    .getByRole("row")
    .nth(1)
    .click({ button: "right" });
  await expect(page.getByRole("menu")).toBeVisible();
  await page.screenshot({ path: shot("context-menu") });
  await page.keyboard.press("Escape");

  await page.locator("#platform-images tbody a").first().click();
  await expect(page.getByRole("heading", { name: "Validation report" })).toBeVisible();
  await page.screenshot({ path: shot("image"), fullPage: true });

  const admin = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await signIn(admin, ADMIN);
  await admin.goto("/admin");
  await expect(admin.getByRole("heading", { name: "Administration" })).toBeVisible();
  await admin.screenshot({ path: shot("admin"), fullPage: true });

  await page.goto("/settings");
  for (const [name, expiry] of [
    ["old build script", "7"],
    ["laptop", "90"],
    ["CI pipeline", "never"],
  ]) {
    await page.getByLabel("Token name").fill(name);
    await page.getByLabel("Expires after").selectOption(expiry);
    await page.getByRole("button", { name: "Create token" }).click();
    await expect(page.getByRole("status", { name: "New token" })).toContainText(name);
    if (name === "old build script") {
      await page.getByRole("button", { name: "Revoke old build script" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
      await expect(page.getByRole("dialog")).toHaveCount(0);
    }
  }
  await expect(page.getByRole("table", { name: "API tokens" }).getByRole("row")).toHaveCount(4);
  await expect(page.locator("[data-sonner-toast]")).toHaveCount(0, { timeout: 10_000 });
  await page.screenshot({ path: shot("settings"), fullPage: true });
});

test("screenshots of uploading", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, DEMO);
  page.on("dialog", (dialog) => void dialog.accept());
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const throttle = (bytesPerSecond: number) =>
    cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  const myImages = page.getByRole("region", { name: /My images/ });
  const start = async (files: string[]) => {
    const chooser = page.waitForEvent("filechooser");
    await myImages.getByRole("button", { name: "Upload image" }).click();
    await (await chooser).setFiles(files);
    await page
      .getByRole("dialog")
      .getByRole("button", { name: /^Upload/ })
      .click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
  };

  // The dialog: one file accepted with its properties, one the server converts, one refused before a byte is sent.
  const guest = guestQcow2("debian-12-genericcloud-amd64");
  if ("skipped" in guest) throw new Error(`the screenshots need the guest fixtures: ${guest.skipped}`);
  await dropFiles(page, page.locator("[data-drop-zone=private]"), [
    guest.file,
    makeVhd("win2019-datacenter"),
    makeGzipped("ubuntu-24.04-server-cloudimg-amd64"),
  ]);
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("alert")).toContainText("gzip-compressed");
  await expect(dialog).toContainText("200 MiB disk");
  await expect(dialog).toContainText("Hangar converts it on the server");
  await page.screenshot({ path: shot("upload-dialog") });
  await dialog.getByRole("button", { name: /^Upload/ }).click();

  // An upload left half-way by a reload, one in flight, one finished.
  await throttle(12 * 1024 * 1024);
  await start([makeRandomFile("rocky-9-genericcloud-base.raw", 300 * 1024 * 1024)]);
  const tray = page.getByRole("region", { name: "Uploads", exact: true });
  const firstBar = tray.getByRole("listitem", { name: "Upload of rocky-9-genericcloud-base" }).getByRole("progressbar");
  await expect.poll(async () => Number(await firstBar.getAttribute("aria-valuenow")), { timeout: 60_000 }).toBeGreaterThanOrEqual(40);
  await page.reload();
  await throttle(40 * 1024 * 1024);
  const second = guestQcow2("debian-12-genericcloud-amd64-v2");
  if ("skipped" in second) throw new Error(second.skipped);
  await start([second.file]);
  await start([makeRandomFile("ubuntu-24.04-server-cloudimg-amd64.img", 1024 * 1024 * 1024)]);
  const bar = tray.getByRole("listitem", { name: "Upload of ubuntu-24.04-server-cloudimg-amd64" }).getByRole("progressbar");
  await expect.poll(async () => Number(await bar.getAttribute("aria-valuenow")), { timeout: 60_000 }).toBeGreaterThanOrEqual(20);
  await expect(tray.getByRole("listitem", { name: "Upload of debian-12-genericcloud-amd64-v2" })).toHaveAttribute("data-validation", "ready");
  await expect(tray).toContainText("left");
  // Tall enough that the tray sits below the list rather than over it.
  await page.setViewportSize({ width: 1360, height: 1180 });
  await expect(myImages.getByRole("row", { name: /ubuntu-24.04/ })).toContainText(/uploading \d+%/);
  await page.screenshot({ path: shot("uploading") });
});
