import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { fileReader, recordingReader } from "../../testing/file-reader";
import { fixtureFamily } from "../../testing/fixtures";
import { inspectImage } from "../index";
import type { Check, CheckStatus, InspectionReport } from "../report";
import { GUEST_CHECK_IDS } from "./checks";
import { WINDOWS_REPORT_IDS } from "./windows/checks";
import { EXPECTED_STATUSES } from "./expected-statuses";

const guests = fixtureFamily("guests");

interface Row {
  file: string;
  expect: string;
  table: string;
  root: string;
  fs: string;
  firmware: string;
  /** boot.loader depends on the disk, not the tree. */
  loader: CheckStatus;
}

function rows(): Row[] {
  if (guests.skipped) return [];
  const [header, ...lines] = fs.readFileSync(guests.file("guests.tsv"), "utf8").trim().split("\n");
  const keys = header.split("\t") as (keyof Row)[];
  return lines.map((line) => Object.fromEntries(line.split("\t").map((value, i) => [keys[i], value])) as unknown as Row);
}
const filesOf = (row: Row) =>
  fs
    .readdirSync(guests.dir)
    .filter((name) => name.startsWith(`${row.file}.`))
    .sort();
const guestStatuses = (checks: Check[]): Record<string, CheckStatus> =>
  Object.fromEntries(checks.filter((c) => !c.id.startsWith("format.")).map((c) => [c.id, c.status]));

const readers: { close(): void }[] = [];
afterAll(() => readers.forEach((r) => r.close()));

async function inspect(name: string): Promise<{ report: InspectionReport; bytesRead: number }> {
  const file = fileReader(guests.file(name));
  readers.push(file);
  const recorded = recordingReader(file);
  const report = await inspectImage(recorded, { fileName: name });
  return { report, bytesRead: recorded.bytesRead() };
}
const byId = (report: InspectionReport) => Object.fromEntries(report.checks.map((c) => [c.id, c]));

describe.skipIf(guests.skipped)("inspectImage on whole guest disks (raw, qcow2, vmdk)", () => {
  for (const row of rows()) {
    for (const name of filesOf(row)) {
      it(`${name}: ${row.table} table, root ${row.root} (${row.fs}), firmware ${row.firmware}`, async () => {
        const { report, bytesRead } = await inspect(name);
        expect(report.checks.slice(0, 3).map((c) => [c.id, c.status])).toEqual([
          ["format.supported", "pass"],
          ["format.safe", "pass"],
          ["format.integrity", "pass"],
        ]);
        expect(report.checks.slice(3).map((c) => c.id)).toEqual(report.guest?.osType === "windows" ? WINDOWS_REPORT_IDS : GUEST_CHECK_IDS);
        const expected = { ...EXPECTED_STATUSES[row.expect], "boot.loader": row.loader };
        expect(guestStatuses(report.checks)).toEqual(expected);
        expect(report.verdict).toBe(Object.values(expected).includes("fail") ? "rejected" : "accepted");
        expect(report.partitionTable ?? null).toBe(row.table === "none" ? null : row.table);
        const [partition, logicalVolume] = row.root.split("@");
        expect(report.guest?.root ?? null).toEqual(
          row.fs === "-" ? null : { partition: partition === "-" ? null : Number(partition), fileSystem: row.fs, ...(logicalVolume ? { logicalVolume } : {}) },
        );
        expect(report.guest?.firmware).toEqual(row.firmware === "-" ? [] : row.firmware.split(","));
        // Under 8 MiB for these small fixture guests, whatever the format: the guest is read, never the whole image.
        expect(bytesRead).toBeLessThan(8 * 1024 * 1024);
      });
    }
  }

  it("Debian 12: /boot and /boot/efi mounted from their partitions, kernel, initramfs and firmware found through them", async () => {
    for (const name of filesOf(rows().find((r) => r.file === "debian12-gpt-ext4") as Row)) {
      const { report } = await inspect(name);
      expect(report.guest).toMatchObject({ distro: "debian", version: "12", arch: "x86_64", kernels: ["6.1.0-18-amd64"] });
      const checks = byId(report);
      expect(checks["virtio.initramfs"]).toMatchObject({ status: "pass", path: "/boot/initrd.img-6.1.0-18-amd64" });
      expect(checks["virtio.initramfs"].message).toContain("(zstd)");
      expect(checks["guest.os"].message).toContain("root on partition 4 (ext4)");
    }
  });

  it("Ubuntu on btrfs: the root is the @ subvolume, found in zstd-compressed extents; netplan read from it", async () => {
    const { report } = await inspect("ubuntu2404-gpt-btrfs.stream.vmdk");
    expect(report.guest).toMatchObject({ distro: "ubuntu", version: "24.04", root: { partition: 3, fileSystem: "btrfs" } });
    expect(byId(report)["network.dhcp"]).toMatchObject({ status: "pass", path: "/etc/netplan/01-netcfg.yaml" });
  });

  it("a used Debian with 10,000 files in one log directory still finds the real logs", async () => {
    const { report } = await inspect("debian12-dirty-mbr-ext4.qcow2");
    const logs = byId(report)["hygiene.logs"];
    expect(logs.status).toBe("warn");
    expect(logs.message).toContain("/var/log/apt/history.log");
    expect(byId(report)["hygiene.machine-id"].fix).toBe("virt-sysprep -a debian12-dirty-mbr-ext4.qcow2 --operations machine-id");
  });

  it("RHEL on LVM: the root logical volume is read through its out-of-order segments, mounted by /dev/mapper name", async () => {
    const { report } = await inspect("rhel9-gpt-lvm.qcow2");
    expect(report.guest).toMatchObject({
      distro: "rhel",
      kernels: ["5.14.0-362.8.1.el9_3.x86_64"],
      root: { partition: 3, fileSystem: "xfs", logicalVolume: "rhel/root" },
    });
    expect(byId(report)["guest.os"].message).toContain("root on logical volume rhel/root on partition 3 (xfs)");
  });

  it("a damaged superblock is named in guest.os, not thrown", async () => {
    const { report } = await inspect("corrupt-superblock.raw");
    const os = byId(report)["guest.os"];
    expect(os).toMatchObject({ status: "fail", code: "guest.no_os" });
    expect(os.message).toMatch(/partition 1: ext/);
  });

  it("a disk no firmware can start fails boot.loader, with GRUB's fix; with direct kernel boot it only warns", async () => {
    for (const name of filesOf(rows().find((r) => r.file === "xfs-mbr-no-loader") as Row)) {
      const { report } = await inspect(name);
      expect(report.verdict).toBe("rejected");
      expect(report.guest?.firmware).toEqual([]);
      expect(byId(report)["boot.loader"]).toMatchObject({
        status: "fail",
        code: "boot.loader_missing",
        fix: `virt-customize -a ${name} --install grub2-pc --run-command 'grub2-install /dev/sda && grub2-mkconfig -o /boot/grub2/grub.cfg'`,
      });
      const file = fileReader(guests.file(name));
      readers.push(file);
      const direct = await inspectImage(file, { fileName: name, directKernelBoot: true });
      expect(byId(direct)["boot.loader"]).toMatchObject({ status: "warn", code: "boot.loader_missing_direct_boot" });
      expect(direct.verdict).toBe("accepted");
    }
    const { report } = await inspect("grub-without-core.qcow2");
    expect(byId(report)["boot.loader"]).toMatchObject({ status: "fail", code: "boot.loader_missing" });
    expect(byId(report)["boot.loader"].message).toContain("sector 1");
  });

  it("symlink loops and links aimed at host paths in the guest change nothing (debian12 has both)", async () => {
    const { report } = await inspect("debian12-gpt-ext4.raw");
    expect(byId(report)["hygiene.logs"].status).toBe("pass");
    expect(byId(report)["hygiene.shell-history"].status).toBe("pass");
  });
});

const run = promisify(execFile);

describe.skipIf(guests.skipped)("hangar inspect on a guest disk", () => {
  const hangar = path.resolve("scripts/hangar.mjs");
  const cli = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, [hangar, "inspect", ...args], { maxBuffer: 16 * 1024 * 1024 });
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      return { code: failed.code, stdout: failed.stdout };
    }
  };

  it("--json adds the guest checks and the guest object; exit 0 when accepted, 1 when a guest check fails", async () => {
    const accepted = await cli("--json", guests.file("rhel9-gpt-xfs.zstd.qcow2"));
    expect(accepted.code).toBe(0);
    const report = JSON.parse(accepted.stdout) as InspectionReport;
    expect(report.verdict).toBe("accepted");
    expect(report.checks.map((c) => c.id)).toEqual(["format.supported", "format.safe", "format.integrity", ...GUEST_CHECK_IDS]);
    expect(report.guest).toEqual({
      osType: "linux",
      distro: "rhel",
      version: "9.3",
      prettyName: "Red Hat Enterprise Linux 9.3 (Plow)",
      arch: "x86_64",
      kernels: ["5.14.0-362.8.1.el9_3.x86_64"],
      firmware: ["uefi"],
      root: { partition: 3, fileSystem: "xfs" },
    });
    const rejected = await cli("--json", guests.file("initramfs-no-virtio.qcow2"));
    expect(rejected.code).toBe(1);
    expect((JSON.parse(rejected.stdout) as InspectionReport).checks.find((c) => c.id === "virtio.initramfs")?.status).toBe("fail");
  });

  it("the readable report ends with a guest summary", async () => {
    const { code, stdout } = await cli(guests.file("rhel9-gpt-xfs.zstd.qcow2"));
    expect(code).toBe(0);
    expect(stdout).toContain("PASS  virtio.initramfs");
    expect(stdout).toMatch(/Guest\n {2}os {12}Red Hat Enterprise Linux 9\.3 \(Plow\) \(rhel 9\.3\)\n/);
    expect(stdout).toMatch(/ {2}root {10}partition 3, xfs\n/);
  });
});
