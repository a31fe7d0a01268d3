import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { fileReader, recordingReader } from "../../../testing/file-reader";
import { fixtureFamily } from "../../../testing/fixtures";
import { patchedReader } from "../../../testing/patched-reader";
import { openGuestDisk } from "../../disk/open-guest-disk";
import { inspectImage } from "../../index";
import { inspectFormat } from "../../inspect-format";
import type { Check, InspectionReport } from "../../report";
import { below, prng } from "../../testing/prng";
import { inspectGuest } from "../inspect-guest";
import { LINUX_ONLY_CHECKS, WINDOWS_REPORT_IDS } from "./checks";
import { EXPECTED_WINDOWS_STATUSES } from "./expected-statuses";

const family = fixtureFamily("windows");

interface Row {
  file: string;
  variant: string;
  table: string;
  root: string;
  firmware: string;
}

function rows(): Row[] {
  if (family.skipped) return [];
  const [header, ...lines] = fs.readFileSync(family.file("windows.tsv"), "utf8").trim().split("\n");
  const keys = header.split("\t") as (keyof Row)[];
  return lines.map((line) => Object.fromEntries(line.split("\t").map((value, i) => [keys[i], value])) as unknown as Row);
}

const readers: { close(): void }[] = [];
afterAll(() => readers.forEach((r) => r.close()));

async function inspect(name: string): Promise<{ report: InspectionReport; bytesRead: number; byId: Record<string, Check> }> {
  const file = fileReader(family.file(`${name}.qcow2`));
  readers.push(file);
  const recorded = recordingReader(file);
  const report = await inspectImage(recorded, { fileName: `${name}.qcow2` });
  return { report, bytesRead: recorded.bytesRead(), byId: Object.fromEntries(report.checks.map((c) => [c.id, c])) };
}

describe.skipIf(family.skipped)("Windows guests: every check in pass, warn and fail on disks made with mkntfs, ntfs-3g and hivex", () => {
  for (const row of rows()) {
    it(`${row.file}: ${row.table} table, Windows on partition ${row.root}, firmware ${row.firmware}`, async () => {
      const { report, bytesRead } = await inspect(row.file);
      const guest = report.checks.slice(3);
      expect(guest.map((c) => c.id)).toEqual(WINDOWS_REPORT_IDS);
      const expected = EXPECTED_WINDOWS_STATUSES[row.variant];
      expect(Object.fromEntries(guest.map((c) => [c.id, c.status]))).toEqual(expected);
      expect(report.verdict).toBe(Object.values(expected).includes("fail") ? "rejected" : "accepted");
      expect(report.partitionTable).toBe(row.table);
      expect(report.guest).toMatchObject({ osType: "windows", distro: "windows", root: { partition: Number(row.root), fileSystem: "ntfs" } });
      expect(report.guest?.firmware).toEqual(row.firmware === "-" ? [] : row.firmware.split(","));
      for (const check of guest) {
        // Every outcome has a code; every warning and failure names its evidence and a fix to copy.
        expect(check.code, check.id).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*\.[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
        if (check.status === "warn" || check.status === "fail")
          expect({ id: check.id, path: !!check.path, fix: !!check.fix?.trim() }).toEqual({ id: check.id, path: true, fix: true });
      }
      expect(bytesRead).toBeLessThan(16 * 1024 * 1024);
    });
  }

  it("a clean Windows Server 2022: product, edition, version and architecture from the registry and the PE header; Select\\Current picks ControlSet002", async () => {
    const { report, byId } = await inspect("win2022-uefi");
    expect(report.guest).toEqual({
      osType: "windows",
      distro: "windows",
      version: "10.0.20348.2227",
      prettyName: "Windows Server 2022 Datacenter",
      arch: "x86_64",
      kernels: [],
      firmware: ["uefi"],
      root: { partition: 3, fileSystem: "ntfs" },
    });
    expect(byId["guest.os"]).toMatchObject({ code: "guest.windows", path: "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" });
    expect(byId["guest.os"].message).toContain("(ServerDatacenter, Server), version 10.0.20348.2227 (21H2), x86_64 (C:\\Windows\\System32\\ntoskrnl.exe)");
    // ControlSet001 is an older set without the virtio drivers: reading it instead would fail virtio.disk.
    expect(byId["virtio.disk"]).toMatchObject({ code: "windows.virtio_disk_boot_start", path: "C:\\Windows\\System32\\drivers\\viostor.sys" });
    expect(byId["virtio.disk"].message).toContain("in ControlSet002");
    expect(byId["boot.loader"]).toMatchObject({ code: "windows.uefi_boot_manager", path: "\\EFI\\Microsoft\\Boot\\BCD" });
    expect(byId["boot.loader"].message).toMatch(/^UEFI starts \/EFI\/BOOT\/bootx64\.efi on partition 1, and the Windows Boot Manager/i);
    expect(byId["boot.loader"].message).toContain("C:\\Windows\\system32\\winload.efi");
    // The Linux checks Windows has no counterpart of say so, under their own ids.
    for (const { id } of LINUX_ONLY_CHECKS) expect(byId[id], id).toMatchObject({ status: "skip", code: "guest.skipped_windows" });
    expect(byId["hygiene.generalized"].message).toContain("C:\\Windows\\Setup\\State\\State.ini");
  });

  it("a missing viostor fails virtio.disk with the virtio-win fix for this release: virt-customize, or DISM from the ISO's 2k22 folder", async () => {
    const { byId } = await inspect("win-no-virtio");
    expect(byId["virtio.disk"]).toMatchObject({ status: "fail", code: "windows.viostor_missing", path: "HKLM\\SYSTEM\\ControlSet001\\Services" });
    expect(byId["virtio.disk"].message).toContain("INACCESSIBLE_BOOT_DEVICE");
    expect(byId["virtio.disk"].fix).toBe(
      "virt-customize -a win-no-virtio.qcow2 --inject-virtio-win /usr/share/virtio-win/virtio-win.iso  # or on Windows, with the image's C: mounted as W: and the virtio-win ISO as E:: dism /Image:W:\\ /Add-Driver /Driver:E:\\viostor\\2k22\\amd64\\viostor.inf",
    );
    expect(byId["virtio.net"].fix).toContain("E:\\NetKVM\\2k22\\amd64\\netkvm.inf");
    // viostor only in the driver store does not boot the system disk either; the message says why.
    const staged = (await inspect("win-viostor-staged")).byId["virtio.disk"];
    expect(staged).toMatchObject({ status: "fail", code: "windows.viostor_staged_only" });
    expect(staged.fix).toContain("--inject-virtio-win");
    expect(staged.message).toContain("in the driver store (C:\\Windows\\System32\\DriverStore\\FileRepository\\viostor.inf_amd64_5e1f0b6a3c2d9e87)");
    const bios = await inspect("win10-bios");
    expect(bios.byId["virtio.disk"]).toMatchObject({ code: "windows.virtio_disk_boot_start", path: "C:\\Windows\\System32\\drivers\\vioscsi.sys" });
    expect(bios.byId["virtio.net"]).toMatchObject({ code: "windows.netkvm_staged" });
    expect(bios.byId["boot.loader"]).toMatchObject({ code: "windows.bios_boot_manager", path: "\\Boot\\BCD" });
  });

  it("boot.loader: BIOS boot code before bootmgr on the active partition; no boot manager for either firmware, with why for each", async () => {
    const bios = (await inspect("win10-bios")).byId["boot.loader"];
    expect(bios).toMatchObject({ status: "pass", code: "windows.bios_boot_manager" });
    expect(bios.message).toContain("BIOS starts boot code in the MBR and in partition 1's boot sector, and the active partition (partition 1) holds bootmgr");
    const none = (await inspect("win-no-loader")).byId["boot.loader"];
    expect(none).toMatchObject({ status: "fail", code: "windows.no_boot_loader", path: "\\EFI\\Microsoft\\Boot" });
    expect(none.message).toContain("UEFI finds no Windows Boot Manager (the EFI system partition holds no loader");
    expect(none.message).toContain("neither does BIOS (the MBR holds no boot code)");
    expect(none.fix).toContain("bcdboot C:\\Windows /s S: /f ALL");
  });

  it("a viostor that is not boot-start, a netkvm without its file, a BCD entry pointing at a missing winload", async () => {
    const { byId } = await inspect("win-viostor-demand");
    expect(byId["virtio.disk"]).toMatchObject({
      code: "windows.virtio_disk_not_boot_start",
      path: "HKLM\\SYSTEM\\ControlSet001\\Services\\viostor",
      fix: 'On the source machine: reg add "HKLM\\SYSTEM\\CurrentControlSet\\Services\\viostor" /v Start /t REG_DWORD /d 0 /f',
    });
    expect(byId["virtio.disk"].message).toContain("(Start=3, Type=1)");
    expect(byId["virtio.net"]).toMatchObject({ code: "windows.netkvm_file_missing", path: "C:\\Windows\\System32\\drivers\\netkvm.sys" });
    expect(byId["boot.loader"]).toMatchObject({
      code: "windows.bcd_entry_broken",
      fix: "From the Windows recovery environment, or on the source machine: bcdboot C:\\Windows /f ALL",
    });
  });

  it("a used image: Cloudbase-Init state, a fixed computer name, a user profile, page files and VMware Tools, each with its command", async () => {
    const { byId } = await inspect("win-dirty");
    expect(byId["cloudinit.clean"].fix).toBe(
      'In the source machine, before generalizing: reg delete "HKLM\\SOFTWARE\\Cloudbase Solutions\\Cloudbase-Init\\5f4e3d2c-1b0a-4f9e-8d7c-6b5a49382716" /f',
    );
    expect(byId["cloudinit.clean"].message).toContain("CreateUserPlugin, SetHostNamePlugin, SetUserPasswordPlugin");
    expect(byId["hygiene.hostname"]).toMatchObject({ code: "windows.hostname_fixed_unattend", path: "C:\\Windows\\Panther\\unattend.xml" });
    expect(byId["hygiene.user-profiles"]).toMatchObject({ code: "windows.profiles_extra", path: "C:\\Users\\alice" });
    expect(byId["hygiene.page-files"]).toMatchObject({
      code: "windows.page_files_present",
      fix: "virt-customize -a win-dirty.qcow2 --delete /pagefile.sys --delete /swapfile.sys --delete /hiberfil.sys",
    });
    expect(byId["tools.other-hypervisors"]).toMatchObject({
      code: "windows.other_hypervisor_tools",
      fix: "In the source machine, before capturing: MsiExec.exe /X{A1B2C3D4-1111-2222-3333-444455556666} /qn",
    });
    expect(byId["tools.other-hypervisors"].message).toContain("VMTools, vmxnet3ndis6, pvscsi");
    // Hyper-V's integration services (vmicheartbeat is on every fixture) are part of Windows.
    expect(byId["tools.other-hypervisors"].message).not.toContain("vmic");
  });

  it("generalized, specialized and undeployable, with the difference explained; hibernation fails", async () => {
    const specialized = (await inspect("win10-bios")).byId["hygiene.generalized"];
    expect(specialized).toMatchObject({ status: "warn", code: "windows.specialized" });
    expect(specialized.message).toMatch(/generalized image .* own security identifier \(SID\).*A specialized image is a copy of one installed machine/);
    expect(specialized.fix).toBe(
      'In the source machine: C:\\Windows\\System32\\Sysprep\\sysprep.exe /generalize /oobe /shutdown /mode:vm /unattend:"C:\\Program Files\\Cloudbase Solutions\\Cloudbase-Init\\conf\\Unattend.xml"',
    );
    const { byId } = await inspect("win-undeployable");
    expect(byId["hygiene.generalized"]).toMatchObject({ status: "fail", code: "windows.undeployable" });
    expect(byId["hygiene.page-files"]).toMatchObject({ status: "fail", code: "windows.hibernated", path: "C:\\hiberfil.sys" });
  });

  it("Cloudbase-Init absent, disabled, or registered with its program missing", async () => {
    expect((await inspect("win-no-cloudbase")).byId["cloudinit.installed"].code).toBe("windows.cloudbase_init_missing");
    expect((await inspect("win-cloudbase-disabled")).byId["cloudinit.enabled"]).toMatchObject({
      code: "windows.cloudbase_init_disabled",
      fix: "In the source machine, before generalizing: sc.exe config cloudbase-init start= auto",
    });
    const broken = (await inspect("win-cloudbase-broken")).byId["cloudinit.installed"];
    expect(broken).toMatchObject({
      code: "windows.cloudbase_init_broken",
      path: "C:\\Program Files\\Cloudbase Solutions\\Cloudbase-Init\\Python\\Scripts\\cloudbase-init.exe",
    });
  });

  it("a damaged SOFTWARE hive, BitLocker and a dynamic disk are reported, not thrown", async () => {
    const software = await inspect("win-broken-software");
    expect(software.byId["guest.os"]).toMatchObject({ status: "warn", code: "windows.identity_unreadable" });
    expect(software.byId["guest.os"].message).toContain("header checksum");
    expect(software.byId["cloudinit.clean"]).toMatchObject({ status: "warn", code: "guest.unreadable_warning", path: "C:\\" });
    expect(software.byId["cloudinit.clean"].fix).toContain("chkdsk C: /f");
    // ImageState still comes from State.ini.
    expect(software.byId["hygiene.generalized"].message).toContain("from C:\\Windows\\Setup\\State\\State.ini");
    expect((await inspect("win-bitlocker")).byId["guest.os"]).toMatchObject({ status: "fail", code: "windows.bitlocker" });
    expect((await inspect("win-dynamic")).byId["guest.os"]).toMatchObject({ status: "fail", code: "windows.dynamic_disk" });
  });

  it("win-dirty: 40 copies with bytes changed where a clean inspection reads never throw, hang or lose a check", async () => {
    const file = fileReader(family.file("win-dirty.qcow2"));
    readers.push(file);
    const { info } = await inspectFormat(file, { depth: "format", maxVirtualSize: 2 ** 44, fileName: "win-dirty.qcow2" }, () => {});
    const disk = openGuestDisk(file, info);
    const recorded = recordingReader(disk);
    await inspectGuest(recorded, info);
    const ranges = recorded.reads.filter((r) => r.length > 0);
    const seed = Math.floor(Math.random() * 2 ** 32);
    const random = prng(seed);
    for (let mutant = 0; mutant < 40; mutant++) {
      const patches = Array.from({ length: 1 + below(random, 8) }, () => {
        const range = ranges[below(random, ranges.length)];
        return { offset: range.offset + below(random, range.length), bytes: Uint8Array.from({ length: 1 + below(random, 8) }, () => below(random, 256)) };
      });
      const context = `seed ${seed}, mutant ${mutant}`;
      const result = await inspectGuest(patchedReader(disk, patches), info).catch((error: unknown) => {
        throw new Error(`${context}: ${error instanceof Error ? error.stack : String(error)}`);
      });
      if (result.guest.osType === "windows")
        expect(
          result.checks.map((c) => c.id),
          context,
        ).toEqual(WINDOWS_REPORT_IDS);
    }
  }, 180_000);
});
