import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../../testing/fixtures";
import { InspectError } from "../errors";
import type { FileSystem } from "../fs/file-system";
import { GuestFs } from "../fs/guest-fs";
import type { Check } from "../report";
import { GRUB_BIOS } from "../testing/boot-files";
import { alpineTree, archTree, ELF_X86_64, slesTree } from "../testing/distro-trees";
import { HostDirectoryFileSystem } from "../testing/host-fs";
import { MemoryFileSystem, type MemoryNode } from "../testing/memory-fs";
import { EXPECTED_STATUSES } from "./expected-statuses";
import { noGuestChecks, runGuestChecks } from "./run-checks";

const trees = fixtureFamily("guest-trees");
const FACTS = { root: { partition: 2, fileSystem: "ext4" as const }, loaders: GRUB_BIOS, image: "x.qcow2" };

/** A file system whose every file read fails as a damaged one does, while its directories still list. */
class UnreadableFs extends MemoryFileSystem {
  override read(): Promise<Uint8Array> {
    return Promise.reject(new InspectError("corrupt", "extent tree of inode 12 points outside the file system"));
  }
}

const SYNTHETIC: Record<string, () => FileSystem> = {
  arch: () => new MemoryFileSystem(archTree()),
  alpine: () => new MemoryFileSystem(alpineTree()),
  "alpine without virtio in its initramfs": () => new MemoryFileSystem(alpineTree(false)),
  "alpine with cloud-init in no runlevel": () => {
    const tree = alpineTree();
    const etc = tree.etc as { [name: string]: MemoryNode };
    delete etc.runlevels;
    return new MemoryFileSystem(tree);
  },
  sles: () => new MemoryFileSystem(slesTree()),
  "an empty root: no os-release, kernel, cloud-init or agent": () => new MemoryFileSystem({ etc: { fstab: "" }, bin: { sh: ELF_X86_64 } }),
  "cloud-init installed without its units": () =>
    new MemoryFileSystem({ etc: { "os-release": "ID=debian\nVERSION_ID=12\n", debian_version: "12.5" }, usr: { bin: { "cloud-init": "" } } }),
  "an initramfs that is not there": () => {
    const tree = alpineTree();
    delete (tree.boot as { [name: string]: MemoryNode })["initramfs-virt"];
    return new MemoryFileSystem(tree);
  },
  "a file system whose files cannot be read": () => new UnreadableFs(slesTree()),
};

const problems = (checks: Check[]) => checks.filter((c) => c.status === "warn" || c.status === "fail");
const missingEvidence = (checks: Check[]) =>
  problems(checks)
    .filter((c) => !c.path?.startsWith("/") || !c.fix?.trim())
    .map((c) => `${c.id} (${c.status}): path=${c.path} fix=${c.fix}`);

describe("every warn and fail names its evidence and a fix", () => {
  for (const [name, make] of Object.entries(SYNTHETIC)) {
    it(name, async () => {
      const { checks } = await runGuestChecks(new GuestFs(make()), FACTS);
      // Each tree lacks at least the guest agent, so there is something to hold to the rule.
      expect(problems(checks).length).toBeGreaterThan(0);
      expect(missingEvidence(checks)).toEqual([]);
    });
  }

  it("when files cannot be read, the affected checks point at the root and suggest repairing it", async () => {
    const { checks } = await runGuestChecks(new GuestFs(new UnreadableFs(slesTree())), FACTS);
    const unreadable = checks.filter((c) => c.code === "guest.unreadable" || c.code === "guest.unreadable_warning");
    expect(unreadable.length).toBeGreaterThan(0);
    for (const check of unreadable) expect(check).toMatchObject({ path: "/", fix: "virt-rescue -a x.qcow2  # then, in the rescue shell: fsck -f /dev/sda2" });
  });

  it("names where each missing piece would be", async () => {
    const byId = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.id, c]));
    const empty = byId((await runGuestChecks(new GuestFs(SYNTHETIC["an empty root: no os-release, kernel, cloud-init or agent"]()), FACTS)).checks);
    expect(empty["virtio.disk"]).toMatchObject({ status: "fail", path: "/boot" });
    expect(empty["guest.os"]).toMatchObject({ status: "warn", path: "/etc/os-release" });
    expect(empty["guest.qemu-guest-agent"]).toMatchObject({ status: "warn", path: "/usr/bin/qemu-ga" });
    const units = byId((await runGuestChecks(new GuestFs(SYNTHETIC["cloud-init installed without its units"]()), FACTS)).checks);
    expect(units["cloudinit.enabled"]).toMatchObject({
      status: "fail",
      path: "/usr/lib/systemd/system/cloud-init-local.service",
      fix: "sudo apt-get install -y cloud-init && sudo systemctl enable cloud-init-local.service cloud-init.service cloud-config.service cloud-final.service",
    });
    expect(units["guest.qemu-guest-agent"]).toMatchObject({ path: "/usr/sbin/qemu-ga", fix: "sudo apt-get install -y qemu-guest-agent" });
    const openrc = byId((await runGuestChecks(new GuestFs(SYNTHETIC["alpine with cloud-init in no runlevel"]()), FACTS)).checks);
    expect(openrc["cloudinit.enabled"]).toMatchObject({ status: "fail", path: "/etc/runlevels/default/cloud-init", fix: "doas setup-cloud-init" });
  });

  it("when no operating system is found", () => {
    expect(missingEvidence(noGuestChecks("no file system holds /etc/os-release").checks)).toEqual([]);
  });

  describe.skipIf(trees.skipped)("on the distribution-like fixture trees", () => {
    for (const tree of Object.keys(EXPECTED_STATUSES).filter((t) => t !== "windows" && t !== "no-os")) {
      it(tree, async () => {
        const { checks } = await runGuestChecks(new GuestFs(new HostDirectoryFileSystem(trees.file(tree))), FACTS);
        expect(missingEvidence(checks)).toEqual([]);
      });
    }
  });
});
