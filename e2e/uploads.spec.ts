import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { E2E_DATA_DIR, imageRow } from "./data";
import { DEMO, signIn } from "./session";
import { dropFiles, guestQcow2, makeGzipped, makeRandomFile, sha256Of } from "./upload-files";

const myImages = (page: Page) => page.getByRole("region", { name: /My images/ });
const tray = (page: Page) => page.getByRole("region", { name: "Uploads", exact: true });
/** The tray's states once the last byte arrived. */
const SENT = /^(validating|ready|rejected)$/;

/** Every request that would carry or create upload bytes. */
function watchUploadWrites(page: Page): { method: string; offset: string | null }[] {
  const writes: { method: string; offset: string | null }[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/v1/uploads") && (request.method() === "POST" || request.method() === "PATCH")) {
      writes.push({ method: request.method(), offset: request.headers()["upload-offset"] ?? null });
    }
  });
  return writes;
}

/** Slows uploads down (Chromium's network emulation), so that a test can act in the middle of one. */
async function throttleUploads(page: Page, bytesPerSecond: number | null) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond ?? -1 });
}

test("a QCOW2 dropped on My images uploads to 100% and its row turns ready", async ({ page }) => {
  const guest = guestQcow2("debian-12-genericcloud-amd64");
  if ("skipped" in guest) throw new Error(`guest fixtures not built: ${guest.skipped}`);
  const file = "file" in guest ? guest.file : "";
  await signIn(page, DEMO);
  await dropFiles(page, page.locator("[data-drop-zone=private]"), [file]);

  const dialog = page.getByRole("dialog", { name: "Upload an image" });
  const card = dialog.getByRole("listitem", { name: "debian-12-genericcloud-amd64.qcow2" });
  await expect(card).toContainText("qcow2");
  await expect(card).toContainText("200 MiB disk");
  await expect(card.getByLabel("Name")).toHaveValue("debian-12-genericcloud-amd64");
  await card.getByText("Properties (optional)").click();
  await card.getByLabel("Minimum memory (MiB)").fill("1024");
  await dialog.getByRole("button", { name: "Upload", exact: true }).click();

  const task = tray(page).getByRole("listitem", { name: "Upload of debian-12-genericcloud-amd64" });
  await expect(task.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  const row = myImages(page).getByRole("row", { name: /debian-12-genericcloud-amd64/ });
  await expect(row).toContainText("ready", { timeout: 20_000 });
  await expect(task).toHaveAttribute("data-validation", "ready");
  await expect(row).toContainText("1 GiB");
  // The tray adds its height at the end of the page: scrolled to the end, the page's last row is clear of it.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const [lastRow, panel] = [await page.getByRole("row").last().boundingBox(), await tray(page).boundingBox()];
  if (!lastRow || !panel) throw new Error("the last row or the tray is not on the page");
  expect(lastRow.y + lastRow.height).toBeLessThanOrEqual(panel.y);
  // What the guest says about itself fills the properties the uploader left empty.
  await expect(row).toContainText("Debian 12");

  const stored = imageRow("debian-12-genericcloud-amd64");
  expect(stored?.sha256).toBe(sha256Of(file));
});

test("a compressed image is refused with the command that unpacks it, before any byte is sent", async ({ page }) => {
  const file = makeGzipped("legacy-server");
  await signIn(page, DEMO);
  const writes = watchUploadWrites(page);
  await dropFiles(page, page.locator("[data-drop-zone=private]"), [file]);

  const dialog = page.getByRole("dialog", { name: "Upload an image" });
  const refusal = dialog.getByRole("alert");
  await expect(refusal).toContainText("The file is gzip-compressed, not a disk image.");
  await expect(refusal.locator("code")).toHaveText("gunzip -k legacy-server.raw.gz");
  await expect(dialog.getByRole("button", { name: "Upload", exact: true })).toBeDisabled();
  await expect(dialog.getByLabel("Name")).toHaveCount(0);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  expect(writes).toEqual([]);
  expect(imageRow("legacy-server")).toBeUndefined();
});

test("a VHD is taken, converted to QCOW2 on the server and validated, and its report says so", async ({ page }) => {
  const guest = guestQcow2("hyperv-export");
  if ("skipped" in guest) throw new Error(`guest fixtures not built: ${guest.skipped}`);
  const vhd = path.join(path.dirname("file" in guest ? guest.file : ""), "hyperv-export.vhd");
  execFileSync("qemu-img", ["convert", "-q", "-f", "qcow2", "-O", "vpc", "file" in guest ? guest.file : "", vhd]);
  await signIn(page, DEMO);
  await dropFiles(page, page.locator("[data-drop-zone=private]"), [vhd]);

  const dialog = page.getByRole("dialog", { name: "Upload an image" });
  const card = dialog.getByRole("listitem", { name: "hyperv-export.vhd" });
  await expect(card).toContainText("VHD (dynamic)");
  await expect(card).toContainText("Hangar converts it on the server");
  await dialog.getByRole("button", { name: "Upload", exact: true }).click();

  const row = myImages(page).getByRole("row", { name: /hyperv-export/ });
  await expect(row).toContainText("ready", { timeout: 60_000 });
  await row.getByRole("link", { name: "hyperv-export" }).click();
  await expect(page.getByText(/Converted from VHD \(dynamic\) to QCOW2 on the server/)).toBeVisible();
  expect(imageRow("hyperv-export")?.sha256).not.toBe(sha256Of(vhd));
});

test("after a reload mid-upload, the unfinished upload is listed and continues from the server's offset", async ({ page }) => {
  test.setTimeout(180_000);
  const size = 300 * 1024 * 1024;
  const file = makeRandomFile("appliance.raw", size);
  await signIn(page, DEMO);
  page.on("dialog", (dialog) => void dialog.accept());
  await throttleUploads(page, 25 * 1024 * 1024);

  const chooser = page.waitForEvent("filechooser");
  await myImages(page).getByRole("button", { name: "Upload image" }).click();
  await (await chooser).setFiles(file);
  await page.getByRole("dialog").getByRole("button", { name: "Upload", exact: true }).click();
  const progress = tray(page).getByRole("listitem", { name: "Upload of appliance" }).getByRole("progressbar");
  await expect.poll(async () => Number(await progress.getAttribute("aria-valuenow")), { timeout: 60_000 }).toBeGreaterThanOrEqual(20);

  await page.reload();
  const unfinished = page.getByRole("listitem", { name: "Unfinished upload of appliance.raw" });
  await expect(unfinished).toContainText(/appliance\.raw, \d+%/);
  await expect(unfinished).toContainText("Select the file again to resume.");
  const shown = Number(/appliance\.raw, (\d+)%/.exec((await unfinished.textContent()) ?? "")?.[1]);
  expect(shown).toBeGreaterThanOrEqual(10);

  await throttleUploads(page, null);
  const writes = watchUploadWrites(page);
  // Another file of the same size (here one byte off at the start) is refused, and nothing is sent.
  const impostor = `${file}.impostor`;
  fs.copyFileSync(file, impostor);
  const handle = fs.openSync(impostor, "r+");
  const first = Buffer.alloc(1);
  fs.readSync(handle, first, 0, 1, 0);
  first.writeUInt8(first.readUInt8(0) ^ 0xff, 0);
  fs.writeSync(handle, first, 0, 1, 0);
  fs.closeSync(handle);
  const wrong = page.waitForEvent("filechooser");
  await unfinished.getByRole("button", { name: "Select file…" }).click();
  await (await wrong).setFiles(impostor);
  await expect(unfinished.getByRole("alert")).toHaveText(/^This is not the file that upload started with: its content differs from appliance\.raw/);
  expect(writes).toEqual([]);
  await expect(tray(page).getByRole("listitem", { name: "Upload of appliance" })).toHaveCount(0);

  const again = page.waitForEvent("filechooser");
  await unfinished.getByRole("button", { name: "Select file…" }).click();
  await (await again).setFiles(file);
  const task = tray(page).getByRole("listitem", { name: "Upload of appliance" });
  await expect(task).toHaveAttribute("data-upload-status", SENT, { timeout: 60_000 });

  expect(writes.some((write) => write.method === "POST")).toBe(false);
  expect(Number(writes[0]?.offset)).toBeGreaterThanOrEqual((size * shown) / 100);
  await expect(page.getByRole("listitem", { name: "Unfinished upload of appliance.raw" })).toHaveCount(0);
  // The checksum, hashed behind the bytes, is recorded moments after the last one.
  await expect.poll(() => imageRow("appliance")?.sha256, { timeout: 30_000 }).toBe(sha256Of(file));
  const stored = imageRow("appliance");
  expect(fs.statSync(path.join(E2E_DATA_DIR, "images", stored?.storageKey ?? "")).size).toBe(size);
  fs.rmSync(impostor, { force: true });
});

test("an upload pauses, resumes, rides out a lost connection, and a cancelled one leaves nothing behind", async ({ page }) => {
  test.setTimeout(180_000);
  const size = 96 * 1024 * 1024;
  const file = makeRandomFile("flaky-link.raw", size);
  const doomed = makeRandomFile("doomed.raw", 64 * 1024 * 1024);
  await signIn(page, DEMO);
  await throttleUploads(page, 8 * 1024 * 1024);
  const chooser = page.waitForEvent("filechooser");
  await myImages(page).getByRole("button", { name: "Upload image" }).click();
  await (await chooser).setFiles([file, doomed]);
  await page.getByRole("dialog").getByRole("button", { name: "Upload 2 images" }).click();

  const task = tray(page).getByRole("listitem", { name: "Upload of flaky-link" });
  const bar = task.getByRole("progressbar");
  const percent = async () => Number(await bar.getAttribute("aria-valuenow"));
  await expect.poll(percent, { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
  await expect(task).toContainText(/MiB\/s · .* left/);

  // The other upload is cancelled while both share the throttled link, so it is still sending (about as
  // far along as this one) when Cancel is clicked, however slowly the machine gets there.
  const cancelled = tray(page).getByRole("listitem", { name: "Upload of doomed" });
  await cancelled.getByRole("button", { name: "Cancel upload of doomed" }).click();
  await expect(cancelled).toHaveCount(0);

  await task.getByRole("button", { name: "Pause upload of flaky-link" }).click();
  await expect(task).toHaveAttribute("data-upload-status", "paused");
  const paused = await percent();
  await page.waitForTimeout(1500);
  expect(await percent()).toBe(paused);
  await expect(task).toContainText(`Paused at ${paused}%`);
  await task.getByRole("button", { name: "Resume upload of flaky-link" }).click();
  await expect.poll(percent, { timeout: 60_000 }).toBeGreaterThan(paused);

  // The connection drops: every request to the upload fails until it comes back.
  const uploadUrls = "**/api/v1/uploads/**";
  await page.route(uploadUrls, (route) => route.abort("internetdisconnected"));
  await expect(task).toHaveAttribute("data-upload-status", "reconnecting", { timeout: 30_000 });
  await expect(task).toContainText(/Connection lost · reconnecting/);
  await page.unroute(uploadUrls);
  await throttleUploads(page, null);

  await expect(task).toHaveAttribute("data-upload-status", SENT, { timeout: 90_000 });
  await expect.poll(() => imageRow("flaky-link")?.sha256, { timeout: 30_000 }).toBe(sha256Of(file));
  // Random bytes hold no guest: validation rejects them, and the tray says so without a reload.
  await expect(task).toHaveAttribute("data-upload-status", "rejected", { timeout: 30_000 });
  await expect(task).toContainText(/Rejected: \d+ checks? failed · open it to see how to fix/);
  await expect(task.getByRole("link", { name: "flaky-link" })).toHaveAttribute("href", `/images/${imageRow("flaky-link")?.id ?? ""}`);
  await expect.poll(() => imageRow("doomed")).toBeUndefined();
  await expect(myImages(page).getByRole("row", { name: /doomed/ })).toHaveCount(0);
  // The partial file of the cancelled upload is gone too.
  expect(fs.readdirSync(path.join(E2E_DATA_DIR, "uploads")).filter((name) => !name.startsWith("."))).toEqual([]);
});

test("an image another client is uploading shows the server's progress in its row, then its outcome, without a reload", async ({ page }) => {
  const size = 8 * 1024 * 1024;
  const file = makeRandomFile("from-the-cli.raw", size);
  const bytes = fs.readFileSync(file);
  await signIn(page, DEMO);
  // The CLI's part, on the same account: create the upload and send half of it.
  const tus = { "tus-resumable": "1.0.0" };
  const metadata = `name ${Buffer.from("from-the-cli").toString("base64")},filename ${Buffer.from("from-the-cli.raw").toString("base64")}`;
  const created = await page.request.post("/api/v1/uploads", { headers: { ...tus, "upload-length": String(size), "upload-metadata": metadata } });
  expect(created.status()).toBe(201);
  const url = created.headers().location;
  await page.goto("/images");
  const row = myImages(page).getByRole("row", { name: /from-the-cli/ });
  await expect(row).toContainText("uploading");
  const patch = (offset: number, part: Buffer) =>
    page.request.patch(url, { headers: { ...tus, "upload-offset": String(offset), "content-type": "application/offset+octet-stream" }, data: part });
  expect((await patch(0, bytes.subarray(0, size / 2))).status()).toBe(204);
  await expect(row).toContainText("uploading 50%", { timeout: 15_000 });
  expect((await patch(size / 2, bytes.subarray(size / 2))).status()).toBe(204);
  await expect(row).toContainText("rejected", { timeout: 30_000 });
  expect(imageRow("from-the-cli")?.sha256).toBe(sha256Of(file));
});
