import { describe, expect, it } from "vitest";
import { imageNameFromFileName } from "./file-name";
import { parseUploadMetadata } from "./metadata";

describe("Upload-Metadata", () => {
  it("reads the name, file name, visibility, checksum and properties", () => {
    const result = parseUploadMetadata({
      name: "  Debian 12  ",
      filename: "debian-12-genericcloud-amd64.qcow2",
      visibility: "platform",
      sha256: "AB".repeat(32),
      sample: "CD".repeat(32),
      minMemoryMiB: "1024",
      osType: "linux",
      architecture: "x86_64",
      properties: JSON.stringify({ hw_disk_bus: "virtio" }),
    });
    expect(result).toEqual({
      ok: true,
      value: {
        name: "Debian 12",
        fileName: "debian-12-genericcloud-amd64.qcow2",
        visibility: "platform",
        // Since projects: a private image's project, null for the uploader's default (and for platform images).
        projectId: null,
        sha256: "ab".repeat(32),
        sample: "cd".repeat(32),
        properties: { minMemoryMiB: 1024, osType: "linux", architecture: "x86_64", properties: { hw_disk_bus: "virtio" } },
      },
    });
  });

  it("takes the project of a private image, and refuses one for a platform image", () => {
    const inProject = parseUploadMetadata({ name: "n", visibility: "private", project: "proj-1" });
    expect(inProject.ok && inProject.value.projectId).toBe("proj-1");
    const platform = parseUploadMetadata({ name: "n", visibility: "platform", project: "proj-1" });
    expect(platform.ok ? "ok" : platform.error.fields).toEqual({ project: "Platform images have no project." });
  });

  it("names the image after the file when no name is given, private by default", () => {
    const result = parseUploadMetadata({ filename: "ubuntu-24.04-server-cloudimg-amd64.img", filetype: "application/octet-stream" });
    expect(result.ok && [result.value.name, result.value.visibility, result.value.sha256, result.value.sample]).toEqual([
      "ubuntu-24.04-server-cloudimg-amd64",
      "private",
      null,
      null,
    ]);
  });

  it.each([
    [{}, "Give the image a name."],
    [{ name: "x", visibility: "public" }, "visibility must be one of platform, private."],
    [{ name: "x", sha256: "1234" }, "sha256 must be 64 hexadecimal digits."],
    [{ name: "x", sample: "g".repeat(64) }, "sample must be 64 hexadecimal digits."],
    [{ name: "x", min_ram: "512" }, 'Unknown Upload-Metadata key "min_ram". Hangar reads: name, filename'],
    [{ name: "x", minMemoryMiB: "-1" }, "Minimum memory cannot be negative."],
    [{ name: "x", architecture: "sparc" }, "Architecture must be one of x86_64, aarch64."],
    [{ name: "x", properties: "{nope" }, "properties must be a JSON object"],
    [{ name: "x", properties: JSON.stringify({ min_ram: "1" }) }, "Use the fields above for built-in properties"],
  ])("refuses %j with a message", (metadata, message) => {
    const result = parseUploadMetadata(metadata);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(message);
  });

  it("keeps the directories of a client's file name as text only, and refuses invisible characters in it with a message", () => {
    const result = parseUploadMetadata({ filename: "../../etc/passwd" });
    expect(result.ok && [result.value.name, result.value.fileName]).toEqual(["passwd", "../../etc/passwd"]);
    for (const [filename, codePoint] of [
      ["passwd\u0000", "U+0000"],
      ["invoice\u202Egpj.qcow2", "U+202E"],
      ["debian\u200B12.qcow2", "U+200B"],
    ]) {
      const refused = parseUploadMetadata({ filename });
      expect(refused.ok ? "ok" : refused.error.fields?.filename).toContain(codePoint);
    }
  });
});

describe("the name offered for a file", () => {
  it.each([
    ["debian-12-genericcloud-amd64.qcow2", "debian-12-genericcloud-amd64"],
    ["noble-server-cloudimg-amd64.img", "noble-server-cloudimg-amd64"],
    ["Rocky-9-GenericCloud.latest.x86_64.qcow2", "Rocky-9-GenericCloud.latest.x86_64"],
    ["disk.raw.xz", "disk"],
    ["C:\\images\\win2022.vmdk", "win2022"],
    [".qcow2", ".qcow2"],
  ])("%s -> %s", (file, name) => expect(imageNameFromFileName(file)).toBe(name));
});
