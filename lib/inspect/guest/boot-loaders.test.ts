import { describe, expect, it } from "vitest";
import type { Partition, PartitionTable } from "../disk/partition-table";
import { InspectError } from "../errors";
import { bytesReader } from "../readers/bytes";
import { bootSector, grubBootSector, withSectors } from "../testing/boot-files";
import { MemoryFileSystem } from "../testing/memory-fs";
import { findBootLoaders, firmwareOf } from "./boot-loaders";

const MiB = 1024 * 1024;
const blank = bytesReader(new Uint8Array(8 * MiB));
const linux = (number: number, startMiB: number, extra: Partial<Partition> = {}): Partition => ({
  number,
  start: startMiB * MiB,
  size: MiB,
  type: "0x83",
  role: "linux",
  ...extra,
});
const mbr = (...partitions: Partition[]): PartitionTable => ({ scheme: "mbr", partitions, hasBootCode: true });
const core = new Uint8Array(512).fill(0x52);
const esp = (tree: ConstructorParameters<typeof MemoryFileSystem>[0]) => ({
  partition: linux(1, 1, { role: "efi-system" }),
  fs: new MemoryFileSystem(tree, "vfat"),
});

describe("boot loaders: what the firmware would start", () => {
  it("GRUB for BIOS: boot.img in the MBR and core.img where it points (the gap after the MBR, or a BIOS boot partition)", async () => {
    const gap = await findBootLoaders(withSectors(blank, { 0: grubBootSector(1), 1: core }), mbr(linux(1, 1)), []);
    expect(gap.bios).toEqual({ what: "GRUB (boot code in the MBR, core.img at sector 1)", where: "sector 0 (MBR)" });
    expect(firmwareOf(gap)).toEqual(["bios"]);
    const partition = await findBootLoaders(withSectors(blank, { 0: grubBootSector(4096), 4096: core }), mbr(linux(1, 1)), []);
    expect(partition.bios?.what).toContain("core.img at sector 4096");
  });

  it("GRUB's boot code without core.img boots nothing", async () => {
    const loaders = await findBootLoaders(withSectors(blank, { 0: grubBootSector(1) }), mbr(linux(1, 1)), []);
    expect(loaders.bios).toBeNull();
    expect(loaders.biosProblem).toMatch(/loads sector 1, which is empty/);
    expect(firmwareOf(loaders)).toEqual([]);
  });

  it("other boot code starts the active partition, which must hold a boot sector of its own", async () => {
    const code = { 0: bootSector() };
    expect((await findBootLoaders(withSectors(blank, { ...code, 2048: bootSector() }), mbr(linux(1, 1, { bootable: true })), [])).bios?.what).toBe(
      "boot code in the MBR and in partition 1's boot sector",
    );
    expect((await findBootLoaders(withSectors(blank, code), mbr(linux(1, 1, { bootable: true })), [])).biosProblem).toMatch(/partition 1, whose boot sector/);
    expect((await findBootLoaders(withSectors(blank, { ...code, 2048: bootSector() }), mbr(linux(1, 1)), [])).biosProblem).toMatch(
      /no partition is marked active/,
    );
  });

  it("no boot code, or no boot signature, is no BIOS loader; a whole-disk file system with a boot sector is one", async () => {
    expect((await findBootLoaders(blank, mbr(linux(1, 1)), [])).biosProblem).toBe("the MBR holds no boot code");
    const unsigned = bootSector().slice();
    unsigned[511] = 0;
    expect((await findBootLoaders(withSectors(blank, { 0: unsigned }), null, [])).bios).toBeNull();
    expect((await findBootLoaders(withSectors(blank, { 0: bootSector() }), null, [])).bios?.what).toBe("boot code in sector 0");
  });

  it("UEFI: a loader on an EFI system partition, by the removable path or a vendor's directory", async () => {
    const removable = await findBootLoaders(blank, null, [esp({ EFI: { BOOT: { "BOOTX64.EFI": "MZ" } } })]);
    expect(removable.uefi).toEqual({ what: "/EFI/BOOT/BOOTX64.EFI on partition 1", where: "/EFI/BOOT/BOOTX64.EFI" });
    expect(firmwareOf(removable)).toEqual(["uefi"]);
    expect((await findBootLoaders(blank, null, [esp({ EFI: { debian: { "grubx64.efi": "MZ" } } })])).uefi?.where).toBe("/EFI/debian/grubx64.efi");
    expect((await findBootLoaders(blank, null, [esp({ EFI: { debian: { "grub.cfg": "" } } })])).uefiProblem).toMatch(/holds no loader/);
    expect((await findBootLoaders(blank, null, [])).uefiProblem).toBe("there is no EFI system partition");
  });

  it("a damaged EFI system partition holds no loader", async () => {
    class Broken extends MemoryFileSystem {
      override readdir(): Promise<never> {
        return Promise.reject(new InspectError("corrupt", "the FAT chain loops"));
      }
    }
    const loaders = await findBootLoaders(blank, null, [{ partition: null, fs: new Broken({}, "vfat") }]);
    expect(loaders.uefi).toBeNull();
  });
});
