import { describe, expect, it } from "vitest";
import type { Partition, PartitionTable } from "../disk/partition-table";
import { InspectError } from "../errors";
import type { FileSystem } from "../fs/file-system";
import type { VolumeProbe } from "../fs/probe";
import type { RandomAccessReader } from "../reader";
import type { FileSystemKind } from "../report";
import { bootSector, grubBootSector, withSectors } from "../testing/boot-files";
import { MemoryFileSystem, type MemoryNode } from "../testing/memory-fs";
import { GUEST_CHECK_IDS } from "./checks";
import { WINDOWS_CHECK_IDS, WINDOWS_REPORT_IDS } from "./windows/checks";
import { inspectGuestWith, type GuestReaders } from "./inspect-guest";

const MiB = 1024 * 1024;

class TaggedFs extends MemoryFileSystem {
  constructor(
    tree: { [name: string]: MemoryNode },
    kind: FileSystemKind,
    override readonly uuid: string | null = null,
    override readonly label: string | null = null,
  ) {
    super(tree, kind);
  }
}

/** A btrfs stand-in with the reader's subvolume API. */
class SubvolumeFs extends TaggedFs {
  constructor(
    top: { [name: string]: MemoryNode },
    private readonly subs: Record<string, FileSystem>,
    uuid: string,
  ) {
    super(top, "btrfs", uuid);
  }
  subvolume(path: string) {
    return Promise.resolve(this.subs[path] ?? null);
  }
  subvolumeById(id: bigint | number) {
    return Promise.resolve(Object.values(this.subs).at(Number(id) - 256) ?? null);
  }
  subvolumes() {
    return Promise.resolve(Object.keys(this.subs).map((path, i) => ({ id: BigInt(256 + i), path })));
  }
}

/** A disk whose every byte says which MiB it is in, so the fake probe knows which partition it was given. */
const disk: RandomAccessReader = {
  size: 64 * 1024 * MiB,
  read(offset, length) {
    const bytes = new Uint8Array(Math.min(length, 8));
    new DataView(bytes.buffer).setUint32(0, Math.floor(offset / MiB));
    return Promise.resolve(bytes);
  },
};

const part = (number: number, startMiB: number, role: Partition["role"], extra: Partial<Partition> = {}): Partition => ({
  number,
  start: startMiB * MiB,
  size: 512 * MiB,
  type: "0x83",
  role,
  ...extra,
});

function readers(table: PartitionTable | null, volumes: Record<number, VolumeProbe | (() => never)>): GuestReaders {
  return {
    readPartitionTable: () => Promise.resolve(table),
    async probe(reader) {
      const mib = new DataView((await reader.read(0, 4)).buffer).getUint32(0);
      const found = volumes[mib];
      if (typeof found === "function") found();
      return (found as VolumeProbe | undefined) ?? { kind: "unknown", problems: [] };
    },
  };
}
const fsProbe = (fs: FileSystem): VolumeProbe => ({ kind: "file-system", fs });

const osRelease = 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n';
const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0]);

function rootTree(fstab: string, extra: { [name: string]: MemoryNode } = {}): { [name: string]: MemoryNode } {
  return { etc: { "os-release": osRelease, fstab, "machine-id": "" }, usr: { bin: { sh: elf } }, bin: { symlink: "usr/bin" }, boot: { efi: {} }, ...extra };
}
const bootTree = { "vmlinuz-6.1.0-18-amd64": "kernel", "config-6.1.0-18-amd64": "CONFIG_VIRTIO_BLK=y\nCONFIG_VIRTIO_NET=y\n", grub: { "grub.cfg": "" } };
const espTree = { EFI: { BOOT: { "BOOTX64.EFI": "MZ" }, debian: { "shimx64.efi": "MZ" } } };

describe("inspectGuestWith: finding the guest on a disk", () => {
  it("GPT with ESP, BIOS boot, /boot and root: mounts per fstab (UUID=, PARTUUID=) and sees both firmwares", async () => {
    const table: PartitionTable = {
      scheme: "gpt",
      hasBootCode: true,
      partitions: [
        part(1, 1, "efi-system", { uuid: "aaaaaaaa-0000-4000-8000-000000000001", name: "EFI" }),
        part(2, 600, "bios-boot"),
        part(3, 700, "linux"),
        part(4, 1300, "linux", { name: "root" }),
      ],
    };
    const fstab = [
      "UUID=b00t0000-0000-4000-8000-000000000003 /boot ext4 defaults 0 2",
      "PARTUUID=AAAAAAAA-0000-4000-8000-000000000001 /boot/efi vfat umask=0077 0 1",
      "/dev/vda4 / ext4 defaults 0 1",
      "",
    ].join("\n");
    // GRUB for BIOS: boot.img in the MBR loads core.img from the BIOS boot partition.
    const result = await inspectGuestWith(
      withSectors(disk, { 0: grubBootSector(600 * 2048) }),
      readers(table, {
        1: fsProbe(new TaggedFs(espTree, "vfat", "1234-abcd")),
        700: fsProbe(new TaggedFs(bootTree, "ext4", "b00t0000-0000-4000-8000-000000000003")),
        1300: fsProbe(new TaggedFs(rootTree(fstab), "ext4", "r0000000-0000-4000-8000-000000000004")),
      }),
      { fileName: "debian.qcow2" },
    );
    expect(result.guest).toMatchObject({
      osType: "linux",
      distro: "debian",
      arch: "x86_64",
      kernels: ["6.1.0-18-amd64"],
      firmware: ["bios", "uefi"],
      root: { partition: 4, fileSystem: "ext4" },
    });
    expect(result.checks.map((c) => c.id)).toEqual(GUEST_CHECK_IDS);
    const byId = Object.fromEntries(result.checks.map((c) => [c.id, c]));
    expect(byId["virtio.disk"]).toMatchObject({ status: "pass", path: "/boot/config-6.1.0-18-amd64" });
    expect(byId["guest.os"].message).toContain("boots with BIOS and UEFI");
  });

  it("MBR with logical partitions: root on 5, /boot named /dev/sda1, MBR PARTUUID for /home", async () => {
    const table: PartitionTable = {
      scheme: "mbr",
      diskId: "0x1234abcd",
      hasBootCode: true,
      partitions: [part(1, 1, "linux", { bootable: true }), part(2, 600, "extended"), part(5, 700, "linux"), part(6, 1300, "linux")],
    };
    const fstab = "/dev/sda5 / ext4 errors=remount-ro 0 1\n/dev/sda1 /boot ext4 defaults 0 2\nPARTUUID=1234abcd-06 /home xfs defaults 0 2\n";
    const home = new TaggedFs({ alice: { ".bash_history": "ls\n" } }, "xfs");
    const result = await inspectGuestWith(
      withSectors(disk, { 0: grubBootSector(1), 1: bootSector() }),
      readers(table, { 1: fsProbe(new TaggedFs(bootTree, "ext2")), 700: fsProbe(new TaggedFs(rootTree(fstab, { home: {} }), "ext4")), 1300: fsProbe(home) }),
    );
    expect(result.guest).toMatchObject({ firmware: ["bios"], root: { partition: 5, fileSystem: "ext4" }, kernels: ["6.1.0-18-amd64"] });
    const history = result.checks.find((c) => c.id === "hygiene.shell-history");
    expect(history).toMatchObject({ status: "warn", path: "/home/alice/.bash_history" });
    expect(history?.fix).toBe("virt-sysprep -a disk.img --operations bash-history");
  });

  it("btrfs: the root is the '@' subvolume, /home is mounted from subvol=@home", async () => {
    const root = new TaggedFs(rootTree("LABEL=fs / btrfs subvol=@ 0 0\nLABEL=fs /home btrfs subvol=@home 0 0\n", { home: {}, boot: bootTree }), "btrfs");
    const homes = new TaggedFs({ bob: { ".python_history": "1+1\n" } }, "btrfs");
    const top = new SubvolumeFs({ "@": {}, "@home": {} }, { "@": root, "@home": homes }, "f5000000-0000-4000-8000-000000000000");
    Object.defineProperty(top, "label", { value: "fs" });
    const table: PartitionTable = { scheme: "gpt", hasBootCode: false, partitions: [part(1, 1, "linux")] };
    const result = await inspectGuestWith(disk, readers(table, { 1: fsProbe(top) }));
    expect(result.guest).toMatchObject({ root: { partition: 1, fileSystem: "btrfs" }, firmware: [] });
    expect(result.checks.find((c) => c.id === "hygiene.shell-history")).toMatchObject({ status: "warn", path: "/home/bob/.python_history" });
  });

  it("a whole-disk file system without a partition table", async () => {
    const result = await inspectGuestWith(disk, readers(null, { 0: fsProbe(new TaggedFs(rootTree("", { boot: bootTree }), "xfs")) }));
    expect(result.guest.root).toEqual({ partition: null, fileSystem: "xfs" });
    expect(result.guest.firmware).toEqual([]);
  });

  it("finds /boot without an fstab entry Hangar can resolve", async () => {
    const table: PartitionTable = { scheme: "gpt", hasBootCode: false, partitions: [part(1, 1, "linux"), part(2, 600, "linux")] };
    const fstab = "/dev/disk/by-id/virtio-abc-part1 /boot ext4 defaults 0 0\n";
    const result = await inspectGuestWith(
      disk,
      readers(table, { 1: fsProbe(new TaggedFs(bootTree, "ext4")), 600: fsProbe(new TaggedFs(rootTree(fstab), "ext4")) }),
    );
    expect(result.guest).toMatchObject({ root: { partition: 2 }, kernels: ["6.1.0-18-amd64"] });
  });

  it("a Windows layout whose NTFS volumes cannot be read: guest.os fails saying why, the Windows checks are skipped", async () => {
    const table: PartitionTable = {
      scheme: "gpt",
      hasBootCode: false,
      partitions: [
        part(1, 1, "efi-system"),
        part(2, 600, "other"),
        { ...part(3, 700, "windows-data"), size: 40 * 1024 * MiB },
        part(4, 41_000, "windows-recovery"),
      ],
    };
    const result = await inspectGuestWith(
      disk,
      readers(table, {
        1: fsProbe(new TaggedFs({ EFI: { Microsoft: { Boot: { "bootmgfw.efi": "MZ" } } } }, "vfat")),
        700: { kind: "windows", format: "ntfs", problem: "NTFS: MFT record 5 fails its update sequence check (a torn or damaged write)." },
        41_000: { kind: "windows", format: "ntfs" },
      }),
    );
    expect(result.guest).toMatchObject({ osType: "windows", firmware: ["uefi"], root: { partition: 3, fileSystem: "ntfs" } });
    expect(result.checks.map((c) => c.id)).toEqual(WINDOWS_REPORT_IDS);
    expect(result.checks[0]).toMatchObject({ id: "guest.os", status: "fail", code: "windows.system_not_found" });
    expect(result.checks[0].message).toContain("partition 3: NTFS: MFT record 5 fails its update sequence check");
    for (const check of result.checks.slice(1))
      expect(check, check.id).toMatchObject({
        status: "skip",
        code: WINDOWS_CHECK_IDS.includes(check.id) ? "windows.skipped_not_read" : "guest.skipped_windows",
      });
  });

  it("NTFS is Windows only with the layout Windows boots from; a data disk of NTFS is no operating system", async () => {
    const ntfs = { kind: "windows", format: "ntfs" } as const;
    const cases: [string, PartitionTable, boolean][] = [
      ["GPT, NTFS alone", { scheme: "gpt", hasBootCode: false, partitions: [{ ...part(1, 1, "windows-data"), size: 40 * 1024 * MiB }] }, false],
      [
        "GPT, the Microsoft reserved partition",
        {
          scheme: "gpt",
          hasBootCode: false,
          partitions: [
            { ...part(1, 1, "other"), type: "e3c9e316-0b5c-4db8-817d-f92df00215ae" },
            { ...part(2, 600, "windows-data"), size: 40 * 1024 * MiB },
          ],
        },
        true,
      ],
      ["MBR, NTFS not active", { scheme: "mbr", hasBootCode: true, partitions: [{ ...part(1, 1, "windows-data"), size: 40 * 1024 * MiB }] }, false],
      [
        "MBR, active NTFS and boot code",
        { scheme: "mbr", hasBootCode: true, partitions: [{ ...part(1, 1, "windows-data"), size: 40 * 1024 * MiB, bootable: true }] },
        true,
      ],
      [
        "MBR, active NTFS without boot code",
        { scheme: "mbr", hasBootCode: false, partitions: [{ ...part(1, 1, "windows-data"), size: 40 * 1024 * MiB, bootable: true }] },
        false,
      ],
    ];
    for (const [label, table, windows] of cases) {
      const volumes = Object.fromEntries(table.partitions.filter((p) => p.role === "windows-data").map((p) => [p.start / MiB, ntfs]));
      const result = await inspectGuestWith(disk, readers(table, volumes));
      expect(result.guest.osType, label).toBe(windows ? "windows" : null);
      expect(result.checks[0], label).toMatchObject(
        windows ? { id: "guest.os", status: "fail", code: "windows.system_not_found" } : { id: "guest.os", status: "fail", code: "guest.no_os_ntfs_data" },
      );
    }
  });

  it("no operating system: guest.os fails and says what each partition is", async () => {
    const table: PartitionTable = { scheme: "mbr", hasBootCode: false, partitions: [part(1, 1, "linux"), part(2, 600, "linux")] };
    const result = await inspectGuestWith(
      disk,
      readers(table, {
        1: fsProbe(new TaggedFs({ photos: { "a.jpg": "x" } }, "ext4")),
        600: () => {
          throw new InspectError("corrupt", "the ext4 superblock checksum does not match");
        },
      }),
    );
    expect(result.guest.osType).toBeNull();
    expect(result.checks[0]).toMatchObject({ status: "fail", code: "guest.no_os" });
    expect(result.checks[0].message).toContain("partition 1: ext4 without a Linux root");
    expect(result.checks[0].message).toContain("partition 2: the ext4 superblock checksum does not match");
    expect(result.checks.slice(1).every((c) => c.status === "skip" && c.code === "guest.skipped_no_os")).toBe(true);
  });

  it("a file system that breaks while the checks read it gives failed or warned checks, never an exception", async () => {
    class Breaking extends TaggedFs {
      override async readdir(dir: number) {
        const entries = await super.readdir(dir);
        if (entries.some((e) => e.name === "BROKEN")) throw new InspectError("corrupt", "a directory block checksum does not match");
        return entries;
      }
    }
    const root = new Breaking(
      rootTree("", { lib: { modules: { BROKEN: "", "6.1": { "modules.dep": "" } } }, etc: { "os-release": osRelease, fstab: "", ssh: { BROKEN: "" } } }),
      "ext4",
    );
    const result = await inspectGuestWith(disk, readers(null, { 0: fsProbe(root) }));
    const byId = Object.fromEntries(result.checks.map((c) => [c.id, c]));
    expect(result.guest.distro).toBe("debian");
    expect(byId["hygiene.ssh-host-keys"]).toMatchObject({ status: "warn", code: "guest.unreadable_warning" });
    expect(byId["hygiene.ssh-host-keys"].message).toContain("a directory block checksum does not match");
    expect(byId["virtio.disk"].status).toBe("fail");
  });

  it("a partition table that cannot be read is a failed guest.os, not an exception", async () => {
    const result = await inspectGuestWith(disk, {
      readPartitionTable: () => Promise.reject(new InspectError("corrupt", "GPT header CRC mismatch")),
      probe: () => Promise.resolve({ kind: "unknown", problems: [] }),
    });
    expect(result.checks[0]).toMatchObject({ id: "guest.os", status: "fail", code: "guest.no_os" });
    expect(result.checks[0].message).toContain("GPT header CRC mismatch");
  });
});
