import type { RandomAccessReader } from "../reader";
import type { BootLoaders } from "../guest/boot-loaders";
import { gzipSync } from "fflate";

/** A gzip-compressed newc cpio archive of empty regular files, as an initramfs generator would write it. */
export function gzipInitramfs(paths: string[]): Uint8Array {
  const bytes: number[] = [];
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  const add = (name: string, mode: number) => {
    const field = `${name}\0`;
    // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
    const header = ["070701", hex(1), hex(mode), hex(0), hex(0), hex(1), hex(0), hex(0), hex(0), hex(0), hex(0), hex(0), hex(field.length), hex(0)].join("");
    for (const c of header + field) bytes.push(c.charCodeAt(0));
    while (bytes.length % 4) bytes.push(0);
  };
  for (const path of paths) add(path, 0o100644);
  add("TRAILER!!!", 0);
  return gzipSync(new Uint8Array(bytes));
}

/**
 * The start of an x86 bzImage whose setup header announces `release`
 * ("HdrS" at 0x202, the version pointer at 0x20E), padded like a kernel so
 * the string is not at the end of the file.
 */
export function bzImage(release: string): Uint8Array {
  const image = new Uint8Array(0x1000);
  image.set([0x48, 0x64, 0x72, 0x53], 0x202);
  const pointer = 0x300;
  image[0x20e] = pointer & 0xff;
  image[0x20f] = pointer >> 8;
  image.set(new TextEncoder().encode(`${release} (builder@example) #1 SMP PREEMPT_DYNAMIC\0`), pointer + 0x200);
  return image;
}

/** A disk that boots with BIOS through GRUB, as the guest checks see it when the tests give them a tree rather than a disk. */
export const GRUB_BIOS: BootLoaders = {
  bios: { what: "GRUB (boot code in the MBR, core.img at sector 1)", where: "sector 0 (MBR)" },
  biosProblem: "",
  uefi: null,
  uefiProblem: "there is no EFI system partition",
};

/** Sector 0 as grub-install leaves it for BIOS: boot.img's jump, its "GRUB " text, the sector of core.img it loads, the boot signature. */
export function grubBootSector(coreSector: number): Uint8Array {
  const sector = new Uint8Array(512);
  sector.set([0xeb, 0x63, 0x90]);
  new DataView(sector.buffer).setBigUint64(0x5c, BigInt(coreSector), true);
  sector.set(
    Array.from("GRUB \0Geom\0Hard Disk\0Read\0 Error", (c) => c.charCodeAt(0)),
    0x180,
  );
  sector.set([0x55, 0xaa], 510);
  return sector;
}

/** A sector with boot code and the boot signature: a volume boot record, or any boot code that is not GRUB's. */
export function bootSector(): Uint8Array {
  const sector = new Uint8Array(512);
  sector.set([0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xd0, 0xbc, 0x00, 0x7c]);
  sector.set([0x55, 0xaa], 510);
  return sector;
}

/** `disk` with the given sectors (by number) replaced. */
export function withSectors(disk: RandomAccessReader, sectors: Record<number, Uint8Array>): RandomAccessReader {
  return {
    size: disk.size,
    async read(offset, length) {
      const number = offset / 512;
      const replaced = Number.isInteger(number) ? sectors[number] : undefined;
      return replaced ? replaced.subarray(0, length) : disk.read(offset, length);
    },
  };
}
