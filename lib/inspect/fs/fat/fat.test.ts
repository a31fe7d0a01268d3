import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { defined } from "../../../testing/defined";
import { fixtureFamily } from "../../../testing/fixtures";
import type { RandomAccessReader } from "../../reader";
import { GuestFs } from "../guest-fs";
import { openFatFileSystem } from "./fat";

const esp = fixtureFamily("esp");

function bytesReader(data: Uint8Array): RandomAccessReader {
  return { size: data.length, read: (offset, length) => Promise.resolve(data.subarray(offset, Math.min(data.length, offset + length))) };
}
const fileReader = (name: string) => bytesReader(new Uint8Array(fs.readFileSync(esp.file(name))));

describe.skipIf(esp.skipped)("FAT reader on volumes made by mkfs.vfat and mcopy", () => {
  for (const name of ["fat12.img", "fat16.img", "fat32.img"]) {
    it(`reads ${name}: serial as UUID, label, long names, case-insensitive lookup, multi-cluster files and directories`, async () => {
      const fat = defined(await openFatFileSystem(fileReader(name)), `FAT on ${name}`);
      expect(fat.kind).toBe("vfat");
      expect(fat.uuid).toBe("1234-abcd");
      expect(fat.label).toBe("ESP");
      const guest = new GuestFs(fat);
      expect((await guest.readdir("/EFI/BOOT"))?.map((e) => e.name).sort()).toEqual(["BOOTX64.EFI", "fbx64.efi"]);
      expect(await guest.readText("/efi/boot/bootx64.efi")).toBe("MZ shim stand-in\n");
      expect(await guest.readText("/EFI/debian/grub.cfg")).toContain("configfile");
      const entries = await guest.readdir("/loader/entries");
      expect(entries).toHaveLength(300);
      expect(entries?.map((e) => e.name)).toContain("entry-with-a-long-name-299.conf");
      expect(await guest.readText("/loader/entries/entry-with-a-long-name-173.conf")).toBe("entry 173\n");
      const font = await guest.readFile("/EFI/debian/fonts/unicode.pf2");
      expect(font?.length).toBe(70000);
      expect(font?.every((b) => b === 0x78)).toBe(true);
      expect((await guest.stat("/EFI"))?.type).toBe("directory");
      expect(await guest.stat("/EFI/nothing")).toBeNull();
    });
  }

  it("refuses what is not FAT, and a FAT whose cluster chain leaves the volume", async () => {
    expect(await openFatFileSystem(bytesReader(new Uint8Array(4096)))).toBeNull();
    const data = new Uint8Array(fs.readFileSync(esp.file("fat16.img")));
    const guest = new GuestFs(defined(await openFatFileSystem(bytesReader(data)), "FAT on fat16.img"));
    const font = await guest.resolve("/EFI/debian/fonts/unicode.pf2");
    expect(font.ok).toBe(true);
    // Point every FAT entry at a cluster far past the end: reading must fail cleanly, not loop or crash.
    const reserved = data[14] | (data[15] << 8);
    const fatStart = reserved * 512;
    const broken = data.slice();
    for (let i = fatStart + 8; i < fatStart + 4096; i += 2) {
      broken[i] = 0xf0;
      broken[i + 1] = 0xff;
    }
    const bad = new GuestFs(defined(await openFatFileSystem(bytesReader(broken)), "FAT with the broken chain"));
    await expect(bad.readFile("/EFI/debian/fonts/unicode.pf2")).rejects.toMatchObject({ name: "InspectError" });
  });
});
