import { describe, expect, it } from "vitest";
import type { Image } from "../catalog/image";
import { GLANCE_STATUS, glanceImage } from "./document";
import { editableDocument, readDocument } from "./input";

const image: Image = {
  id: "cimage0000000000000000001",
  name: "debian-12",
  description: "",
  visibility: "private",
  project: { id: "cproject000000000000000001", name: "alice@test", kind: "personal" },
  createdBy: null,
  sharedWithYou: null,
  actions: ["view"],
  status: "ready",
  diskFormat: "qcow2",
  fileSize: 1024,
  virtualSize: 4096,
  sha256: "a".repeat(64),
  minMemoryMiB: null,
  minDiskGiB: 10,
  osType: null,
  osDistro: "debian",
  osVersion: "12",
  architecture: "x86_64",
  firmware: "uefi",
  properties: { team: "infra", tags: "not Glance's", hangar_validation: "forged" },
  report: null,
  validationProgress: 100,
  family: null,
  version: null,
  deprecation: { state: "active", replacement: null, deprecateOn: null, obsoleteOn: null, deleteOn: null },
  diskDigest: null,
  convertedFrom: null,
  createdAt: "2026-12-07T10:11:12.345Z",
  updatedAt: "2026-12-07T10:11:13.000Z",
};
const facts = { tags: ["golden"], md5: "b".repeat(32), shared: false };

describe("an image as Glance shows it", () => {
  it("maps the status, visibility, properties and hashes", () => {
    expect(glanceImage(image, facts, "https://hangar.example")).toEqual({
      id: image.id,
      name: "debian-12",
      status: "active",
      visibility: "private",
      protected: false,
      os_hidden: false,
      container_format: "bare",
      disk_format: "qcow2",
      tags: ["golden"],
      size: 1024,
      virtual_size: 4096,
      checksum: "b".repeat(32),
      os_hash_algo: "sha256",
      os_hash_value: "a".repeat(64),
      owner: "cproject000000000000000001",
      min_ram: 0,
      min_disk: 10,
      os_distro: "debian",
      os_version: "12",
      architecture: "x86_64",
      hw_firmware_type: "uefi",
      team: "infra",
      hangar_validation: "passed",
      hangar_report: `https://hangar.example/images/${image.id}`,
      created_at: "2026-12-07T10:11:12Z",
      updated_at: "2026-12-07T10:11:13Z",
      self: `/v2/images/${image.id}`,
      file: `/v2/images/${image.id}/file`,
      schema: "/v2/schemas/image",
    });
  });

  it("leaves out what is not known rather than sending null, and custom properties are strings", () => {
    const queued = glanceImage(
      { ...image, status: "uploading", diskFormat: null, virtualSize: null, sha256: null, osDistro: null, properties: {} },
      { ...facts, md5: null },
      "",
    );
    expect(queued.status).toBe("queued");
    for (const key of ["size", "virtual_size", "checksum", "os_hash_algo", "os_hash_value", "disk_format", "os_distro", "hangar_validation", "hangar_report"])
      expect(queued).not.toHaveProperty(key);
    expect(Object.values(queued).includes(null)).toBe(false);
  });

  it("says a rejected image is killed, with the verdict; a deprecated one is active and hidden; a platform image public; a shared one shared", () => {
    expect(glanceImage({ ...image, status: "rejected" }, facts, "")).toMatchObject({ status: "killed", hangar_validation: "rejected" });
    expect(glanceImage({ ...image, status: "deprecated" }, facts, "")).toMatchObject({ status: "active", os_hidden: true });
    expect(glanceImage({ ...image, visibility: "platform", project: null }, facts, "")).toMatchObject({ visibility: "public" });
    expect(glanceImage({ ...image, visibility: "platform", project: null }, facts, "")).not.toHaveProperty("owner");
    expect(glanceImage(image, { ...facts, shared: true }, "")).toMatchObject({ visibility: "shared" });
    expect(GLANCE_STATUS.validating).toBe("saving");
    expect(GLANCE_STATUS.obsolete).toBe("deactivated");
  });

  it("sends no MD5 for a converted upload (the stored bytes are another file) and no format Glance does not know", () => {
    const converted = { ...image, convertedFrom: { format: "vhd", subformat: null, fileSize: 10, sha256: null } };
    expect(glanceImage(converted, facts, "")).not.toHaveProperty("checksum");
    expect(glanceImage({ ...image, diskFormat: "luks" }, facts, "")).not.toHaveProperty("disk_format");
  });
});

describe("a Glance document read into Hangar's change", () => {
  it("splits core attributes, mapped properties and custom ones", () => {
    expect(readDocument({ name: "x", min_ram: 512, min_disk: 0, os_distro: "ubuntu", hw_firmware_type: "bios", team: "infra", tags: ["a"] })).toEqual({
      ok: true,
      value: {
        name: "x",
        visibility: undefined,
        hidden: undefined,
        tags: ["a"],
        fields: {
          minMemoryMiB: 512,
          minDiskGiB: null,
          description: null,
          osType: null,
          osDistro: "ubuntu",
          osVersion: null,
          architecture: null,
          firmware: "bios",
        },
        properties: { team: "infra" },
      },
    });
  });

  it("reads the disk format declared, and refuses formats Hangar cannot hold, naming those it takes", () => {
    expect(readDocument({ name: "x", disk_format: "vhd", container_format: "ova" })).toMatchObject({ ok: true, value: { diskFormat: "vhd" } });
    expect(readDocument({ name: "x", disk_format: null, container_format: null })).toMatchObject({ ok: true, value: { diskFormat: null } });
    for (const disk_format of ["iso", "ami", "aki", "ari", "ploop", "QCOW2"])
      expect(readDocument({ name: "x", disk_format })).toMatchObject({
        ok: false,
        error: { code: "invalid", message: expect.stringContaining("disk_format is one of raw, qcow2, vmdk, vhd, vhdx, vdi") as unknown },
      });
    for (const container_format of ["docker", "ovf", "aki", "compressed"])
      expect(readDocument({ name: "x", container_format })).toMatchObject({ ok: false, error: { code: "invalid" } });
  });

  it("refuses read-only attributes, custom properties that are not strings, and what Hangar has not", () => {
    expect(readDocument({ name: "x", status: "active" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(readDocument({ name: "x", hangar_report: "x" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(readDocument({ name: "x", team: 3 })).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(readDocument({ name: "x", visibility: "community" })).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(readDocument({ name: "x", protected: true })).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(readDocument({ name: "x", container_format: "ovf" })).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(readDocument({ name: "x", min_ram: -1 })).toMatchObject({ ok: false, error: { code: "invalid" } });
  });

  it("reads an image's own editable document back to what the image holds (a patch of nothing changes nothing)", () => {
    const doc = editableDocument(image, facts);
    expect(doc).not.toHaveProperty("hangar_validation");
    expect(doc).not.toHaveProperty("status");
    const read = readDocument(doc);
    expect(read).toMatchObject({
      ok: true,
      value: { name: "debian-12", visibility: "private", hidden: false, tags: ["golden"], properties: { team: "infra" } },
    });
    expect(read.ok && read.value.fields).toEqual({
      minMemoryMiB: null,
      minDiskGiB: 10,
      description: null,
      osType: null,
      osDistro: "debian",
      osVersion: "12",
      architecture: "x86_64",
      firmware: "uefi",
    });
  });
});
