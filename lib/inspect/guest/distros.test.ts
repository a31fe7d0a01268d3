import { describe, expect, it } from "vitest";
import { GuestFs } from "../fs/guest-fs";
import type { Check } from "../report";
import { bzImage, GRUB_BIOS, gzipInitramfs } from "../testing/boot-files";
import { ALPINE_RELEASE, ARCH_RELEASE, SLES_RELEASE, alpineTree, archTree, slesTree } from "../testing/distro-trees";
import { MemoryFileSystem, type MemoryNode } from "../testing/memory-fs";
import { embeddedRelease, findKernels } from "./kernels";
import { runGuestChecks } from "./run-checks";

type Tree = { [name: string]: MemoryNode };
const guestOf = (tree: Tree) => new GuestFs(new MemoryFileSystem(tree));

async function inspect(tree: Tree) {
  const result = await runGuestChecks(guestOf(tree), { root: { partition: 1, fileSystem: "ext4" }, loaders: GRUB_BIOS, image: "x.qcow2" });
  const byId: Record<string, Check> = Object.fromEntries(result.checks.map((c) => [c.id, c]));
  return { ...result, byId };
}

const VIRTIO = ["virtio.disk", "virtio.net", "virtio.initramfs"];
const virtioStatuses = (byId: Record<string, Check>) => Object.fromEntries(VIRTIO.map((id) => [id, byId[id].status]));
const ALL_VIRTIO_PASS = { "virtio.disk": "pass", "virtio.net": "pass", "virtio.initramfs": "pass" };

describe("kernels on distributions that name /boot files by package", () => {
  it("Arch: vmlinuz-linux is the kernel of the module tree, and initramfs-linux.img its initramfs", async () => {
    const { guest, byId } = await inspect(archTree());
    expect(guest.kernels).toEqual([ARCH_RELEASE]);
    expect(virtioStatuses(byId)).toEqual(ALL_VIRTIO_PASS);
    expect(byId["virtio.initramfs"]).toMatchObject({ path: "/boot/initramfs-linux.img" });
    expect(byId["virtio.initramfs"].message).toContain(`${ARCH_RELEASE}: virtio_blk, virtio_pci in /boot/initramfs-linux.img (gzip)`);
  });

  it("Alpine: vmlinuz-virt pairs with the only module tree; initramfs-virt and config-virt are its files", async () => {
    const { guest, byId } = await inspect(alpineTree());
    expect(guest.kernels).toEqual([ALPINE_RELEASE]);
    expect(virtioStatuses(byId)).toEqual(ALL_VIRTIO_PASS);
    expect(byId["virtio.initramfs"]).toMatchObject({ path: "/boot/initramfs-virt" });
    const [kernel] = await findKernels(guestOf(alpineTree()));
    expect(kernel).toEqual({ version: ALPINE_RELEASE, modulesDir: `/lib/modules/${ALPINE_RELEASE}`, image: "/boot/vmlinuz-virt", bootName: "virt" });
  });

  it("Alpine whose initramfs lacks virtio_blk fails, with the mkinitfs fix", async () => {
    const { byId } = await inspect(alpineTree(false));
    expect(byId["virtio.disk"].status).toBe("pass");
    expect(byId["virtio.initramfs"]).toMatchObject({
      status: "fail",
      path: "/boot/initramfs-virt",
      fix: `doas sed -i 's/^features="/features="virtio /' /etc/mkinitfs/mkinitfs.conf && doas mkinitfs ${ALPINE_RELEASE}`,
    });
    expect(byId["virtio.initramfs"]).toMatchObject({ code: "virtio.initramfs_driver_missing" });
    expect(byId["virtio.initramfs"].message).toContain("virtio_blk and virtio_pci");
  });

  it("SLES: vmlinux-<v>.gz, .hmac files, System.map and symvers are not kernels of their own", async () => {
    const { guest, byId } = await inspect(slesTree());
    expect(guest.kernels).toEqual([SLES_RELEASE]);
    expect(virtioStatuses(byId)).toEqual(ALL_VIRTIO_PASS);
    expect(byId["virtio.initramfs"]).toMatchObject({ path: `/boot/initrd-${SLES_RELEASE}` });
    expect((await findKernels(guestOf(slesTree())))[0].image).toBe(`/boot/vmlinuz-${SLES_RELEASE}`);
  });
});

describe("pairing /boot images with module trees", () => {
  const modules: Tree = { "modules.dep": "", kernel: {} };

  it("reads the release from a bzImage setup header, and nothing from other files", async () => {
    const guest = guestOf({ boot: { a: bzImage("6.9.7-arch1-1"), b: "plain text", c: bzImage("not a release") } });
    expect(await embeddedRelease(guest, "/boot/a")).toBe("6.9.7-arch1-1");
    expect(await embeddedRelease(guest, "/boot/b")).toBeNull();
    expect(await embeddedRelease(guest, "/boot/c")).toBeNull();
    expect(await embeddedRelease(guest, "/boot/missing")).toBeNull();
  });

  it("pairs two package-named images by the release inside them, whatever their names say", async () => {
    const kernels = await findKernels(
      guestOf({
        boot: { "vmlinuz-linux": bzImage("6.9.7-arch1-1"), "vmlinuz-linux-lts": bzImage("6.6.36-1-lts") },
        usr: { lib: { modules: { "6.9.7-arch1-1": modules, "6.6.36-1-lts": modules } } },
      }),
    );
    expect(kernels.map((k) => [k.version, k.bootName])).toEqual([
      ["6.6.36-1-lts", "linux-lts"],
      ["6.9.7-arch1-1", "linux"],
    ]);
  });

  it("pairs by Arch's pkgbase when the images cannot be read, and by elimination when one of each is left", async () => {
    const byPkgbase = await findKernels(
      guestOf({
        boot: { "vmlinuz-linux": "k", "vmlinuz-linux-lts": "k" },
        usr: { lib: { modules: { "6.9.7-arch1-1": { ...modules, pkgbase: "linux\n" }, "6.6.36-1-lts": { ...modules, pkgbase: "linux-lts\n" } } } },
      }),
    );
    expect(byPkgbase.map((k) => [k.version, k.image])).toEqual([
      ["6.6.36-1-lts", "/boot/vmlinuz-linux-lts"],
      ["6.9.7-arch1-1", "/boot/vmlinuz-linux"],
    ]);
    const byElimination = await findKernels(
      guestOf({ boot: { "vmlinuz-6.1.0-18-amd64": "k", "vmlinuz-edge": "k" }, lib: { modules: { "6.1.0-18-amd64": modules, "6.8.1-0-edge": modules } } }),
    );
    expect(byElimination.map((k) => [k.version, k.bootName])).toEqual([
      ["6.1.0-18-amd64", "6.1.0-18-amd64"],
      ["6.8.1-0-edge", "edge"],
    ]);
  });

  it("never lists a kernel named only by a file name next to the real ones", async () => {
    const kernels = await findKernels(
      guestOf({ boot: { "vmlinuz-linux": "k", "vmlinuz-linux-zen": "k" }, lib: { modules: { "6.9.7-arch1-1": modules, "6.9.7-zen1-1": modules } } }),
    );
    expect(kernels.map((k) => k.version)).toEqual(["6.9.7-arch1-1", "6.9.7-zen1-1"]);
    // With no module tree at all, the image is all there is: it stands for a kernel under its /boot name.
    expect((await findKernels(guestOf({ boot: { "vmlinuz-virt": "k", "initramfs-virt": gzipInitramfs([]) } }))).map((k) => k.version)).toEqual(["virt"]);
  });

  it("a readable release wins over the file name, and a signed copy adds no kernel", async () => {
    const kernels = await findKernels(
      guestOf({
        boot: {
          "vmlinuz-6.8.0-31-generic": bzImage("6.8.0-31-generic"),
          "vmlinuz-6.8.0-31-generic.efi.signed": bzImage("6.8.0-31-generic"),
          "vmlinuz-custom": bzImage("6.8.0-35-generic"),
        },
        lib: { modules: { "6.8.0-31-generic": modules, "6.8.0-35-generic": modules } },
      }),
    );
    expect(kernels.map((k) => [k.version, k.image])).toEqual([
      ["6.8.0-31-generic", "/boot/vmlinuz-6.8.0-31-generic"],
      ["6.8.0-35-generic", "/boot/vmlinuz-custom"],
    ]);
  });
});
