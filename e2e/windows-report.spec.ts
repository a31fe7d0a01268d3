import { expect, test } from "@playwright/test";
import { docsScreenshot } from "./docs-screenshot";
import { DEMO, signIn } from "./session";
import { dropFiles, guestQcow2 } from "./upload-files";

test("a Windows image without viostor is rejected, and its page shows the failed check with the virtio-win fix to copy", async ({ page }) => {
  const guest = guestQcow2("windows-server-template", "win-no-virtio.qcow2", "windows");
  if ("skipped" in guest) throw new Error(`Windows fixtures not built: ${guest.skipped}`);
  await signIn(page, DEMO);
  await dropFiles(page, page.locator("[data-drop-zone=private]"), ["file" in guest ? guest.file : ""]);
  const dialog = page.getByRole("dialog", { name: "Upload an image" });
  await dialog.getByRole("button", { name: "Upload", exact: true }).click();

  const row = page.getByRole("region", { name: /My images/ }).getByRole("row", { name: /windows-server-template/ });
  await expect(row).toContainText("rejected", { timeout: 30_000 });
  await row.getByRole("link", { name: "windows-server-template" }).click();

  const report = page.getByRole("region", { name: "Validation report" });
  await expect(report).toContainText("Rejected: 2 checks failed.");
  const os = report.locator('[data-check="guest.os"]');
  await expect(os).toHaveAttribute("data-status", "pass");
  await expect(os).toHaveAttribute("data-code", "guest.windows");
  await expect(os).toContainText("Windows Server 2022 Datacenter");
  // Sections named for both families: the Windows Boot Manager under the boot loader's, Cloudbase-Init under first-boot setup.
  await expect(report.getByRole("heading", { name: "Firmware and boot loader" })).toBeVisible();
  await expect(report.locator('[data-check="boot.loader"]')).toHaveAttribute("data-code", "windows.uefi_boot_manager");
  await expect(report.getByRole("heading", { name: "First-boot setup (cloud-init, Cloudbase-Init)" })).toBeVisible();
  await expect(report.locator('[data-check="cloudinit.installed"]')).toHaveAttribute("data-code", "windows.cloudbase_init_installed");
  // A Linux check with no Windows counterpart is listed as skipped, saying why.
  const initramfs = report.locator('[data-check="virtio.initramfs"]');
  await expect(initramfs).toHaveAttribute("data-status", "skip");
  await expect(initramfs).toHaveAttribute("data-code", "guest.skipped_windows");
  const disk = report.locator('[data-check="virtio.disk"]');
  await expect(disk).toHaveAttribute("data-status", "fail");
  await expect(disk).toContainText("Neither viostor nor vioscsi is installed in ControlSet001");
  await expect(disk).toContainText("INACCESSIBLE_BOOT_DEVICE");
  await expect(disk).toContainText("HKLM\\SYSTEM\\ControlSet001\\Services");
  await expect(disk.locator("code")).toHaveText(
    "virt-customize -a windows-server-template.qcow2 --inject-virtio-win /usr/share/virtio-win/virtio-win.iso  # or on Windows, with the image's C: mounted as W: and the virtio-win ISO as E:: dism /Image:W:\\ /Add-Driver /Driver:E:\\viostor\\2k22\\amd64\\viostor.inf",
  );
  await expect(disk.getByRole("button", { name: "Copy fix" })).toBeVisible();
  // The Windows checks that passed are listed too, without a fix to run.
  const generalized = report.locator('[data-check="hygiene.generalized"]');
  await expect(generalized).toHaveAttribute("data-status", "pass");
  await expect(generalized.getByRole("button", { name: "Copy fix" })).toHaveCount(0);
  await docsScreenshot(page, "windows-report");
});
