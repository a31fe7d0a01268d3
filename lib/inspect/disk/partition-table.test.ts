import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../../testing/fixtures";
import { crc32 } from "../util/crc32";
import { inspectImage } from "../index";
import { bytesReader } from "../readers/bytes";
import { openFileReader } from "../readers/file";
import { openGuestDisk } from "./open-guest-disk";
import type { PartitionTable } from "./partition-table";
import { analysePartitions, readPartitionTable } from "./read-partition-table";

const family = fixtureFamily("formats");
const sfdiskMissing = spawnSync("sfdisk", ["--version"]).status === 0 ? null : "sfdisk is not installed (Debian: fdisk)";

async function tableOf(name: string): Promise<PartitionTable | null> {
  const file = await openFileReader(family.file(name));
  try {
    const info = await inspectImage(file, { depth: "format" });
    return await readPartitionTable(info.format === "iso9660" ? file : openGuestDisk(file, info));
  } finally {
    await file.close();
  }
}

interface SfdiskPartition {
  node: string;
  start: number;
  size: number;
  type: string;
  uuid?: string;
  name?: string;
  bootable?: boolean;
}

/** What util-linux's sfdisk reads, in our shape, for comparison. */
function sfdisk(name: string): { scheme: string; partitions: object[] } {
  const json = JSON.parse(execFileSync("sfdisk", ["-J", family.file(name)], { encoding: "utf8" })) as {
    partitiontable: { label: string; partitions: SfdiskPartition[] };
  };
  const { label, partitions } = json.partitiontable;
  return {
    scheme: label === "dos" ? "mbr" : label,
    partitions: partitions.map((p) => ({
      number: Number(/(\d+)$/.exec(p.node)?.[1]),
      start: p.start * 512,
      size: p.size * 512,
      type: label === "dos" ? `0x${p.type.padStart(2, "0")}` : p.type.toLowerCase(),
      ...(p.uuid ? { uuid: p.uuid.toLowerCase() } : {}),
      ...(p.name ? { name: p.name } : {}),
    })),
  };
}

const comparable = (table: PartitionTable | null) => ({
  scheme: table?.scheme,
  partitions: (table?.partitions ?? []).map(({ number, start, size, type, uuid, name }) => ({
    number,
    start,
    size,
    type,
    ...(uuid ? { uuid } : {}),
    ...(name ? { name } : {}),
  })),
});

describe.skipIf(family.skipped ?? sfdiskMissing)("partition tables agree with sfdisk", () => {
  for (const name of ["disk.raw", "mbr-logical.raw", "gpt-backup.raw", "gpt-hybrid-mbr.raw", "iso-hybrid.iso", "iso-hybrid-gpt.iso"]) {
    it(name, async () => {
      expect(comparable(await tableOf(name))).toEqual(sfdisk(name));
    });
  }

  it("reads the same table through QCOW2 and VMDK as from the raw disk", async () => {
    const raw = await tableOf("disk.raw");
    for (const name of ["qcow2-v2.qcow2", "qcow2-zstd-c4k.qcow2", "qcow2-extl2-c2M.qcow2", "vmdk-stream.vmdk", "vmdk-sparse.vmdk"]) {
      expect(await tableOf(name), name).toEqual(raw);
    }
  });

  it("fills roles, names, flags and ids", async () => {
    const gpt = await tableOf("disk.raw");
    expect(gpt?.partitions.map((p) => p.role)).toEqual(["efi-system", "linux", "swap"]);
    expect(gpt?.diskId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(gpt?.hasBootCode).toBe(false);
    const mbr = await tableOf("mbr-logical.raw");
    expect(mbr?.partitions.map((p) => [p.number, p.role, p.bootable])).toEqual([
      [1, "linux", true],
      [2, "extended", false],
      [3, "lvm", false],
      [5, "linux", false],
      [6, "swap", false],
    ]);
  });
});

// ---- hand-made disks ----------------------------------------------------------------------

const SECTOR = 512;
interface Entry {
  type: number;
  start: number;
  sectors: number;
  boot?: number;
}

function mbrSector(entries: Entry[], bootCode = false): Uint8Array {
  const s = new Uint8Array(SECTOR);
  if (bootCode) s.fill(0x90, 0, 440);
  const view = new DataView(s.buffer);
  entries.forEach((e, slot) => {
    const at = 446 + slot * 16;
    s[at] = e.boot ?? 0;
    s[at + 4] = e.type;
    view.setUint32(at + 8, e.start, true);
    view.setUint32(at + 12, e.sectors, true);
  });
  s[510] = 0x55;
  s[511] = 0xaa;
  return s;
}

function diskWith(sectors: number, writes: [number, Uint8Array][]): Uint8Array {
  const disk = new Uint8Array(sectors * SECTOR);
  for (const [sector, bytes] of writes) disk.set(bytes, sector * SECTOR);
  return disk;
}

const LINUX = "0fc63daf-8483-4772-8e79-3d69d8477de4";

function guidBytes(guid: string): Uint8Array {
  const hex = guid.replace(/-/g, "");
  const b = Uint8Array.from((hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));
  return Uint8Array.from([b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], ...b.subarray(8)]);
}

/** A GPT disk (primary and backup) with `parts` as [first, last] sector ranges, of type `types[i]` (Linux by default). */
function gptDisk(sectors: number, parts: [number, number][], sectorSize = SECTOR, types: string[] = []): Uint8Array {
  const disk = new Uint8Array(sectors * sectorSize);
  const pmbr = mbrSector([{ type: 0xee, start: 1, sectors: Math.min(sectors - 1, 0xffffffff) }]);
  disk.set(pmbr, 0);
  const entries = new Uint8Array(128 * 128);
  parts.forEach(([first, last], i) => {
    entries.set(guidBytes(types[i] ?? LINUX), i * 128);
    entries.set(guidBytes(`00000000-0000-0000-0000-00000000000${i + 1}`), i * 128 + 16);
    const v = new DataView(entries.buffer);
    v.setBigUint64(i * 128 + 32, BigInt(first), true);
    v.setBigUint64(i * 128 + 40, BigInt(last), true);
  });
  const entrySectors = Math.ceil(entries.length / sectorSize);
  const header = (lba: number, alternate: number, entriesLba: number) => {
    const h = new Uint8Array(sectorSize);
    h.set(new TextEncoder().encode("EFI PART"), 0);
    const v = new DataView(h.buffer);
    v.setUint32(8, 0x10000, true);
    v.setUint32(12, 92, true);
    v.setBigUint64(24, BigInt(lba), true);
    v.setBigUint64(32, BigInt(alternate), true);
    v.setBigUint64(40, BigInt(2 + entrySectors), true);
    v.setBigUint64(48, BigInt(sectors - 2 - entrySectors), true);
    v.setBigUint64(72, BigInt(entriesLba), true);
    v.setUint32(80, 128, true);
    v.setUint32(84, 128, true);
    v.setUint32(88, crc32(entries), true);
    v.setUint32(16, crc32(h.subarray(0, 92)), true);
    return h;
  };
  const last = sectors - 1;
  disk.set(header(1, last, 2), sectorSize);
  disk.set(entries, 2 * sectorSize);
  disk.set(entries, (last - entrySectors) * sectorSize);
  disk.set(header(last, 1, last - entrySectors), last * sectorSize);
  return disk;
}

describe("MBR as Linux reads it", () => {
  it("numbers logical partitions from 5 across every extended partition", async () => {
    const disk = diskWith(4000, [
      [
        0,
        mbrSector([
          { type: 0x83, start: 100, sectors: 100 },
          { type: 0x05, start: 1000, sectors: 1000 },
          { type: 0x0f, start: 2000, sectors: 1000 },
        ]),
      ],
      [
        1000,
        mbrSector([
          { type: 0x83, start: 10, sectors: 100 },
          { type: 0x05, start: 500, sectors: 200 },
        ]),
      ],
      [1500, mbrSector([{ type: 0x82, start: 10, sectors: 50 }])],
      [2000, mbrSector([{ type: 0x8e, start: 10, sectors: 100 }])],
    ]);
    const table = await readPartitionTable(bytesReader(disk));
    expect(table?.partitions.map((p) => [p.number, p.start / SECTOR, p.size / SECTOR, p.role])).toEqual([
      [1, 100, 100, "linux"],
      [2, 1000, 1000, "extended"],
      [3, 2000, 1000, "extended"],
      [5, 1010, 100, "linux"],
      [6, 1510, 50, "swap"],
      [7, 2010, 100, "lvm"],
    ]);
  });

  it("ignores an EBR's 3rd and 4th entries unless they fit, like Linux", async () => {
    const ebr = mbrSector([
      { type: 0x83, start: 10, sectors: 50 },
      { type: 0, start: 0, sectors: 0 },
      { type: 0x83, start: 100, sectors: 50 },
      { type: 0x83, start: 100, sectors: 5000 },
    ]);
    const disk = diskWith(3000, [
      [0, mbrSector([{ type: 0x05, start: 1000, sectors: 1000 }])],
      [1000, ebr],
    ]);
    const table = await readPartitionTable(bytesReader(disk));
    expect(table?.partitions.map((p) => [p.number, p.start / SECTOR])).toEqual([
      [1, 1000],
      [5, 1010],
      [6, 1100],
    ]);
  });

  it("cuts partitions at the end of the disk and drops those past it, saying so", async () => {
    const disk = diskWith(1000, [
      [
        0,
        mbrSector([
          { type: 0x83, start: 100, sectors: 2000 },
          { type: 0x83, start: 5000, sectors: 10 },
        ]),
      ],
    ]);
    const { table, findings } = await analysePartitions(bytesReader(disk));
    expect(table?.partitions.map((p) => [p.number, p.size / SECTOR])).toEqual([[1, 900]]);
    expect(findings.map((f) => f.code)).toEqual(["mbr.partition_past_end", "mbr.partition_outside"]);
  });

  it("stops a looping or endless chain of extended partitions", async () => {
    const writes: [number, Uint8Array][] = [[0, mbrSector([{ type: 0x05, start: 10, sectors: 100000 }])]];
    for (let i = 0; i < 400; i++)
      writes.push([
        10 + i * 100,
        mbrSector([
          { type: 0x83, start: 1, sectors: 50 },
          { type: 0x05, start: (i + 1) * 100, sectors: 100 },
        ]),
      ]);
    const { table, findings } = await analysePartitions(bytesReader(diskWith(100100, writes)));
    expect(table?.partitions.at(-1)?.number).toBe(255);
    expect(findings.map((f) => f.code)).toContain("mbr.chain_too_long");
  });

  it("is not fooled by a file system boot sector or an empty table", async () => {
    const fat = mbrSector([]);
    fat[446] = 0x29; // boot code where a partition entry would be: not 0x00 or 0x80
    expect(await readPartitionTable(bytesReader(diskWith(100, [[0, fat]])))).toBeNull();
    expect(await readPartitionTable(bytesReader(diskWith(100, [[0, mbrSector([])]])))).toBeNull();
    expect(await readPartitionTable(bytesReader(new Uint8Array(100)))).toBeNull();
  });

  it("reports boot code and the disk signature", async () => {
    const sector = mbrSector([{ type: 0x83, start: 2048, sectors: 100, boot: 0x80 }], true);
    sector.set([0x78, 0x56, 0x34, 0x12], 440);
    const table = await readPartitionTable(bytesReader(diskWith(3000, [[0, sector]])));
    expect(table).toMatchObject({ scheme: "mbr", diskId: "12345678", hasBootCode: true });
    expect(table?.partitions[0]).toMatchObject({ number: 1, bootable: true, type: "0x83", role: "linux" });
  });
});

describe("GPT as Linux reads it", () => {
  it("reads entries as partitions numbered by slot, skipping empty ones", async () => {
    const table = await readPartitionTable(bytesReader(gptDisk(4096, [[2048, 3000]])));
    expect(table?.partitions).toEqual([
      { number: 1, start: 2048 * SECTOR, size: 953 * SECTOR, type: LINUX, role: "linux", uuid: "00000000-0000-0000-0000-000000000001" },
    ]);
  });

  it("knows the roles of the partition types guests use", async () => {
    const types = [
      "21686148-6449-6e6f-744e-656564454649",
      "c12a7328-f81f-11d2-ba4b-00a0c93ec93b",
      "4f68bce3-e8cd-4db1-96e7-fbcaf984b709",
      "bc13c2ff-59e6-4262-a352-b275fd6f7172",
      "e6d6d379-f507-44c2-a23c-238f2a3df928",
      "a19d880f-05fc-4d3b-a006-743f0f84911e",
      "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7",
      "de94bba4-06d1-4d40-a16a-bfd50179d6ac",
      "9e1a2d38-c612-4316-aa26-8b49521e5a8b",
    ];
    const parts = types.map((_, i): [number, number] => [100 + i * 10, 109 + i * 10]);
    const table = await readPartitionTable(bytesReader(gptDisk(4096, parts, SECTOR, types)));
    expect(table?.partitions.map((p) => p.role)).toEqual([
      "bios-boot",
      "efi-system",
      "linux",
      "linux",
      "lvm",
      "raid",
      "windows-data",
      "windows-recovery",
      "other",
    ]);
  });

  it("reads 4096-byte-sector disks", async () => {
    const table = await readPartitionTable(bytesReader(gptDisk(2048, [[256, 511]], 4096)));
    expect(table?.partitions[0]).toMatchObject({ start: 256 * 4096, size: 256 * 4096 });
  });

  it("falls back to the backup header when the primary is damaged", async () => {
    const disk = gptDisk(4096, [[2048, 3000]]);
    disk[SECTOR + 30] ^= 1;
    const { table, findings } = await analysePartitions(bytesReader(disk));
    expect(table?.partitions).toHaveLength(1);
    expect(findings).toMatchObject([{ area: "integrity", status: "warn", code: "gpt.primary_invalid" }]);
  });

  it("needs a protective MBR, as Linux does", async () => {
    const disk = gptDisk(4096, [[2048, 3000]]);
    disk.fill(0, 446, 462);
    const { table, findings } = await analysePartitions(bytesReader(disk));
    expect(table).toBeNull();
    expect(findings).toMatchObject([{ area: "safe", status: "fail", code: "gpt.protective_mbr_missing" }]);
  });

  it("drops partitions that end past the disk and says the image looks truncated", async () => {
    const { table, findings } = await analysePartitions(
      bytesReader(
        gptDisk(4096, [
          [2048, 3000],
          [3001, 9000],
        ]),
      ),
    );
    expect(table?.partitions.map((p) => p.number)).toEqual([1]);
    expect(findings[0]).toMatchObject({ code: "gpt.partition_past_end", status: "fail" });
  });
});
