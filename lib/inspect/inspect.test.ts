import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../testing/fixtures";
import { renamed, shellQuote } from "./commands";
import { descriptorText, parseDescriptor, qemuParentHint } from "./formats/vmdk/descriptor";
import { blobReader, bytesReader, inspectImage } from "./index";
import { openFileReader } from "./readers/file";
import type { InspectionReport } from "./report";

const family = fixtureFamily("formats");
const ascii = (text: string) => new TextEncoder().encode(text);

function image(size: number, writes: [number, Uint8Array | string][]): Uint8Array {
  const bytes = new Uint8Array(size);
  for (const [at, data] of writes) bytes.set(typeof data === "string" ? ascii(data) : data, at);
  return bytes;
}

const inspectBytes = (bytes: Uint8Array, options = {}) => inspectImage(bytesReader(bytes), { guest: false, ...options });
const status = (report: InspectionReport, id: string) => report.checks.find((c) => c.id === id)?.status;

describe("detection from the bytes alone", () => {
  it.each([
    [
      "bochs",
      image(4096, [
        [0, "Bochs Virtual HD Image\0"],
        [32, "Redolog\0"],
        [48, "Growing\0"],
        [64, new Uint8Array([0, 0, 2, 0])],
      ]),
    ],
    ["cloop", image(4096, [[0, "#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && mount -r -t iso9660 /dev/cloop $1\n"]])],
    [
      "parallels",
      image(4096, [
        [0, "WithoutFreeSpace"],
        [16, new Uint8Array([2, 0, 0, 0])],
      ]),
    ],
    ["qcow", image(4096, [[0, new Uint8Array([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 1])]])],
    [
      "dmg",
      image(8192, [
        [8192 - 512, "koly"],
        [8192 - 508, new Uint8Array([0, 0, 0, 4, 0, 0, 2, 0])],
      ]),
    ],
    ["zip", image(100, [[0, new Uint8Array([0x50, 0x4b, 0x05, 0x06])]])],
    // qemu's probe: comment lines, blank lines made of spaces, then "version=N"
    ["vmdk", image(4096, [[0, '# Disk DescriptorFile\n   \r\n# more\r\nversion=1\r\ncreateType="vmfs"\n']])],
  ] as const)("%s", async (format, bytes) => {
    const report = await inspectBytes(bytes);
    expect(report.format).toBe(format);
    expect(report.verdict).toBe("rejected");
  });

  it("recognises an old-style tar header by its checksum", async () => {
    const header = image(1024, [
      [0, "disk.img"],
      [100, "0000644\0"],
      [124, "00000001000\0"],
    ]);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
    header.set(ascii(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
    expect((await inspectBytes(header)).format).toBe("tar");
    header[0] = 0x78; // the checksum no longer adds up: just bytes
    expect((await inspectBytes(header)).format).toBe("raw");
  });

  it("does not take text that only looks like a descriptor for one (qemu's probe)", async () => {
    expect((await inspectBytes(image(4096, [[0, "# notes\nsomething else\nversion=1\n"]]))).format).toBe("raw");
    expect((await inspectBytes(image(4096, [[0, "# an empty line is not blank to qemu\n\nversion=1\n"]]))).format).toBe("raw");
  });

  it("tolerates an ISO 9660 / UDF bridge disc, but not a second container", async () => {
    const descriptor = (type: number, id: string) => Uint8Array.from([type, ...ascii(id), 1]);
    const blockSize = Uint8Array.from([0, 8, 8, 0]); // 2048, little- then big-endian
    const bridge = image(64 * 1024, [
      [32768, descriptor(1, "CD001")],
      [32768 + 128, blockSize],
      [34816, descriptor(255, "CD001")],
      [36864, descriptor(0, "BEA01")],
      [38912, descriptor(0, "NSR02")],
      [40960, descriptor(0, "TEA01")],
    ]);
    const report = await inspectBytes(bridge);
    expect(report).toMatchObject({ format: "iso9660", subformat: "data, ISO 9660/UDF bridge" });
    expect(status(report, "format.safe")).toBe("pass");
    bridge.set([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3], 0);
    const polyglot = await inspectBytes(bridge);
    expect(polyglot.format).toBe("qcow2");
    expect(polyglot.checks[1]).toMatchObject({ status: "fail", code: "format.polyglot" });
  });

  it('does not mistake a disk that holds "CD001" or "conectix" by chance for an ISO or a VHD', async () => {
    const disk = image(64 * 1024, [
      [32768, Uint8Array.from([1, ...ascii("CD001"), 1])],
      [32768 + 80, Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 2])],
      [64 * 1024 - 512, "conectix"],
    ]);
    expect(await inspectBytes(disk)).toMatchObject({ format: "raw", verdict: "accepted" });
  });

  it("rejects an empty file and a file smaller than a sector", async () => {
    expect((await inspectBytes(new Uint8Array(0))).checks[0]).toMatchObject({ status: "fail", code: "format.empty" });
    const tiny = await inspectBytes(new Uint8Array(100).fill(7));
    expect(tiny).toMatchObject({ format: "raw", verdict: "rejected" });
    expect(tiny.checks[2]).toMatchObject({ status: "fail", code: "raw.smaller_than_sector" });
  });

  it("warns about a raw disk that is not whole sectors, and sizes it as qemu does", async () => {
    const report = await inspectBytes(new Uint8Array(4096 + 100));
    expect(report).toMatchObject({ format: "raw", verdict: "accepted", virtualSize: 4608 });
    expect(report.checks[2]).toMatchObject({ status: "warn", code: "raw.partial_sector" });
  });

  it("applies maxVirtualSize to raw disks too", async () => {
    const report = await inspectBytes(new Uint8Array(8192), { maxVirtualSize: 4096 });
    expect(report.checks[1]).toMatchObject({ status: "fail", code: "format.virtual_size_over_limit" });
  });
});

describe("VMDK descriptors", () => {
  it("parses fields and extents, including zero and flat extents", () => {
    const d = parseDescriptor(
      'version=1\r\nCID=fffffffe\nparentCID=ffffffff\ncreateType="twoGbMaxExtentFlat"\n' +
        'RW 4192256 FLAT "disk-f001.vmdk" 0\nRDONLY 2048 ZERO\nddb.adapterType = "lsilogic"\nnonsense here\n',
    );
    expect(d.fields.get("createType")).toBe("twoGbMaxExtentFlat");
    expect(d.fields.get("ddb.adapterType")).toBe("lsilogic");
    expect(d.extents).toEqual([
      { access: "RW", sectors: 4192256, type: "FLAT", fileName: "disk-f001.vmdk", offset: 0 },
      { access: "RDONLY", sectors: 2048, type: "ZERO", fileName: null, offset: null },
    ]);
    expect(d.strayLines).toEqual(["nonsense here"]);
  });

  it("finds parentFileNameHint the way qemu does, anywhere before the first NUL", () => {
    expect(qemuParentHint(ascii('# x\nfooparentFileNameHint="../base.vmdk"\n'))).toBe("../base.vmdk");
    expect(qemuParentHint(ascii('version=1\n\0parentFileNameHint="hidden"'))).toBeNull();
    expect(descriptorText(ascii("abc\0def"))).toBe("abc");
  });
});

describe("fix commands", () => {
  it("quote the user's file name for a shell", () => {
    expect(shellQuote("disk.vhd")).toBe("disk.vhd");
    expect(shellQuote("my disk's copy.vhd")).toBe("'my disk'\\''s copy.vhd'");
    expect(renamed("/uploads/disk.vhd", "qcow2")).toBe("disk.qcow2");
    expect(renamed("disk.qcow2", "qcow2")).toBe("disk-converted.qcow2");
    expect(renamed("image", "qcow2", "-standalone")).toBe("image-standalone.qcow2");
  });
});

describe.skipIf(family.skipped)("readers and progress", () => {
  it("a Blob (the browser's File) gives the same report as the file on disk", async () => {
    for (const name of ["qcow2-zstd-c64k.qcow2", "vmdk-stream.vmdk", "hostile-backing.qcow2", "vhdx.vhdx"]) {
      const file = await openFileReader(family.file(name));
      const fromFile = await inspectImage(file, { fileName: name, guest: false });
      await file.close();
      const fromBlob = await inspectImage(blobReader(new Blob([fs.readFileSync(family.file(name))])), { fileName: name, guest: false });
      expect(fromBlob).toEqual(fromFile);
    }
  });

  it("reports progress from 0 to 1 during the walk", async () => {
    const file = await openFileReader(family.file("qcow2-c512.qcow2"));
    const seen: number[] = [];
    await inspectImage(file, { guest: false, onProgress: (fraction) => seen.push(fraction) });
    await file.close();
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]))).toBe(true);
  });
});
