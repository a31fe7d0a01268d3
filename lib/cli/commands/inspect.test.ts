import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inspectImage } from "../../inspect";
import { openFileReader } from "../../inspect/readers/file";
import type { InspectionReport } from "../../inspect/report";
import { fixtureFamily } from "../../testing/fixtures";
import { EXIT } from "../exit-codes";
import { renderReport, runInspect, type InspectCommandOptions } from "./inspect";

const family = fixtureFamily("formats");
const root = path.resolve(import.meta.dirname, "../../..");

async function cli(file: string, options: InspectCommandOptions = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runInspect(file, options, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), progress: null });
  return { code, stdout, stderr };
}

describe.skipIf(family.skipped)("hangar inspect", () => {
  it("prints an accepted image's facts and checks and exits 0", async () => {
    const { code, stdout } = await cli(family.file("qcow2-zstd-c64k.qcow2"), { guest: false });
    expect(code).toBe(EXIT.ok);
    expect(stdout).toMatch(/qcow2-zstd-c64k.qcow2: qcow2, ACCEPTED/);
    expect(stdout).toMatch(/virtual size {2}6 MiB \(6,298,624 bytes\)/);
    expect(stdout).toMatch(/compression {3}zstd/);
    expect(stdout).toMatch(/partitions {4}gpt/);
    expect(stdout).toMatch(/PASS {2}format.supported/);
    expect(stdout).toMatch(/PASS {2}format.integrity {2}.*\n {26}code: format.tables_walked\n/);
  });

  it("prints why an image is rejected and what to run, and exits 1", async () => {
    const { code, stdout } = await cli(family.file("hostile-backing-passwd.qcow2"));
    expect(code).toBe(EXIT.failed);
    expect(stdout).toMatch(/backing file {2}\/etc\/passwd/);
    expect(stdout).toMatch(/FAIL {2}format.safe {7}.*\n {26}code: qcow2.backing_file\n/);
    expect(stdout).toMatch(/\n {26}fix: qemu-img convert -p -O qcow2 hostile-backing-passwd.qcow2 /);
  });

  it("prints the report as JSON with --json", async () => {
    const file = family.file("vhd-dynamic.vhd");
    const { code, stdout } = await cli(file, { json: true, guest: false });
    expect(code).toBe(EXIT.failed);
    const reader = await openFileReader(file);
    const report = await inspectImage(reader, { fileName: file, guest: false });
    await reader.close();
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(JSON.parse(stdout)).toMatchObject({
      format: "vhd",
      verdict: "rejected",
      checks: [{ id: "format.supported", status: "fail", fix: "qemu-img convert -p -f vpc -O qcow2 vhd-dynamic.vhd vhd-dynamic.qcow2" }, {}, {}],
    });
  });

  it("--quick decides from the first bytes, without walking the tables", async () => {
    const { stdout } = await cli(family.file("qcow2-c64k.qcow2"), { quick: true });
    expect(stdout).toMatch(/SKIP {2}format.integrity {2}.*\n {26}code: format.walk_deferred\n/);
  });

  it("exits 2 on a file it cannot read or a bad option", async () => {
    const missing = await cli("/nonexistent/disk.qcow2");
    expect(missing).toMatchObject({ code: EXIT.usage, stdout: "" });
    expect(missing.stderr).toMatch(/cannot read \/nonexistent\/disk.qcow2: ENOENT/);
    const directory = await cli(family.dir);
    expect(directory.code).toBe(EXIT.usage);
    expect(directory.stderr).toMatch(/not a regular file/);
    expect(await cli(family.file("disk.raw"), { maxVirtualSize: "lots" })).toMatchObject({ code: EXIT.usage });
  });

  it("works as npx hangar inspect (the package's bin)", () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "scripts/hangar.mjs"), ...args], { encoding: "utf8" });
    expect(run("inspect", family.file("vmdk-stream.vmdk"), "--no-guest").status).toBe(0);
    // The same image with its guest checks: it holds no operating system, so guest.os fails it.
    expect(run("inspect", family.file("vmdk-stream.vmdk")).status).toBe(1);
    expect(run("inspect", family.file("plain.raw.gz"), "--json").status).toBe(1);
    expect(run("inspect").status).toBe(2);
  });
});

describe("the readable report", () => {
  it("prints checks it does not know and the guest object, whatever they hold", () => {
    const report: InspectionReport = {
      format: "raw",
      virtualSize: 1024,
      fileSize: 1024,
      verdict: "rejected",
      checks: [
        {
          id: "virtio.disk",
          code: "virtio.disk_driver_missing",
          status: "fail",
          message: "No kernel has virtio_blk.",
          path: "/lib/modules",
          fix: "dnf install kernel-core\ndracut -f",
        },
      ],
      guest: {
        osType: "linux",
        distro: "debian",
        version: "12",
        prettyName: "Debian GNU/Linux 12",
        arch: "x86_64",
        kernels: ["6.1.0-18-amd64"],
        firmware: ["bios", "uefi"],
        root: { partition: 1, fileSystem: "ext4" },
      },
    };
    const text = renderReport("disk.img", report);
    expect(text).toMatch(
      /FAIL {2}virtio.disk {2}No kernel has virtio_blk.\n {21}code: virtio.disk_driver_missing\n {21}evidence: \/lib\/modules\n {21}fix: dnf install kernel-core\n {26}dracut -f\n/,
    );
    expect(text).toMatch(/Guest\n {2}os {12}Debian GNU\/Linux 12 \(debian 12\)\n {2}type {10}linux\n {2}architecture {2}x86_64\n/);
    expect(text).toMatch(/kernel {8}6.1.0-18-amd64\n {2}firmware {6}BIOS and UEFI\n {2}root {10}partition 1, ext4\n/);
  });

  it("prints a stored report of a file that could not be read: its checks, no format facts", () => {
    const text = renderReport("gone.img", {
      verdict: "rejected",
      checks: [{ id: "validation.error", code: "validation.unreadable", status: "fail", message: "Hangar could not read this image: EIO." }],
    });
    expect(text).toBe(
      "gone.img: unread, REJECTED\n\nChecks\n  FAIL  validation.error  Hangar could not read this image: EIO.\n                          code: validation.unreadable\n",
    );
  });
});
