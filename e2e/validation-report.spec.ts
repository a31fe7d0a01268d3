import { expect, test } from "@playwright/test";
import { DEMO, signIn } from "./session";
import { dropFiles, guestQcow2 } from "./upload-files";

test("a guest without virtio drivers is rejected, and its page shows the failed checks with fixes to copy", async ({ page }) => {
  const guest = guestQcow2("legacy-appliance", "no-virtio.qcow2");
  if ("skipped" in guest) throw new Error(`guest fixtures not built: ${guest.skipped}`);
  await signIn(page, DEMO);
  await dropFiles(page, page.locator("[data-drop-zone=private]"), ["file" in guest ? guest.file : ""]);
  const dialog = page.getByRole("dialog", { name: "Upload an image" });
  await dialog.getByRole("button", { name: "Upload", exact: true }).click();

  const row = page.getByRole("region", { name: /My images/ }).getByRole("row", { name: /legacy-appliance/ });
  await expect(row).toContainText("rejected", { timeout: 20_000 });
  await row.getByRole("link", { name: "legacy-appliance" }).click();

  const report = page.getByRole("region", { name: "Validation report" });
  await expect(report).toContainText("Rejected: 2 checks failed.");
  const group = report.getByRole("heading", { name: "KVM readiness (virtio)" });
  await expect(group).toBeVisible();
  await expect(report.getByRole("heading", { name: "Firmware and boot loader" })).toBeVisible();
  await expect(report.locator('[data-check="boot.loader"]')).toHaveAttribute("data-status", "pass");
  const disk = report.locator('[data-check="virtio.disk"]');
  await expect(disk).toHaveAttribute("data-status", "fail");
  await expect(disk).toHaveAttribute("data-code", "virtio.disk_driver_missing");
  await expect(disk).toContainText("virtio.disk_driver_missing");
  await expect(disk).toContainText("/boot/config-6.1.0-18-amd64");
  await expect(disk.locator("code")).toHaveText("sudo apt-get install -y linux-image-amd64");
  await expect(disk.getByRole("button", { name: "Copy fix" })).toBeVisible();
  // What passed is listed too, without a fix to run.
  const cloudInit = report.locator('[data-check="cloudinit.installed"]');
  await expect(cloudInit).toHaveAttribute("data-status", "pass");
  await expect(cloudInit.getByRole("button", { name: "Copy fix" })).toHaveCount(0);
});
