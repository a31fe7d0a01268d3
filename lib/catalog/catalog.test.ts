import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { openDownload } from "./download";
import { deleteImage, renameImage, setDeprecated, updateImageProperties } from "./mutations";
import { publishImage } from "./publish";
import { getImage, listImages } from "./queries";
import { listQuerySchema } from "./schemas";

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

const query = (input: Record<string, unknown> = {}) => listQuerySchema.parse(input);
const text = async (stream: Readable) => Buffer.concat(await stream.toArray()).toString();

describe("rename", () => {
  it("trims, and refuses empty, over-long and duplicate names (per owner)", async () => {
    const id = await env.addImage({ owner: env.alice, name: "alpha", visibility: "private" });
    await env.addImage({ owner: env.alice, name: "taken", visibility: "private" });
    await env.addImage({ owner: env.bob, name: "bobs", visibility: "private" });
    const renamed = await renameImage(env.deps, env.alice, id, "  beta  ");
    expect(renamed.ok && renamed.value.name).toBe("beta");
    for (const [name, code] of [
      ["   ", "invalid"],
      ["x".repeat(256), "invalid"],
      ["taken", "conflict"],
      ["a\u0000b", "invalid"],
    ] as const) {
      const result = await renameImage(env.deps, env.alice, id, name);
      expect(result.ok ? "ok" : result.error.code).toBe(code);
      expect(result.ok ? undefined : result.error.fields?.name).toBeTruthy();
    }
    expect((await renameImage(env.deps, env.alice, id, "x".repeat(255))).ok).toBe(true);
    // Another user's name is no clash.
    expect((await renameImage(env.deps, env.alice, id, "bobs")).ok).toBe(true);
    expect((await env.db.image.findUniqueOrThrow({ where: { id } })).name).toBe("bobs");
  });
});

describe("edit properties", () => {
  const invalid: [string, Record<string, unknown>][] = [
    ["minMemoryMiB", { minMemoryMiB: -1 }],
    ["minMemoryMiB", { minMemoryMiB: "lots" }],
    ["minMemoryMiB", { minMemoryMiB: 1.5 }],
    // Number() reads these as 16, 1000 and 1: nobody typing a memory size means that.
    ["minMemoryMiB", { minMemoryMiB: "0x10" }],
    ["minMemoryMiB", { minMemoryMiB: "1e3" }],
    ["minDiskGiB", { minDiskGiB: "0b1" }],
    ["description", { description: "lone \ud800 surrogate" }],
    ["properties", { properties: { ok: "lone \udfff surrogate" } }],
    ["osVersion", { osVersion: "12\ud800" }],
    ["minDiskGiB", { minDiskGiB: 10 * 1024 * 1024 }],
    ["architecture", { architecture: "sparc" }],
    ["firmware", { firmware: "coreboot" }],
    ["osType", { osType: "beos" }],
    ["osDistro", { osDistro: "Debian Linux!" }],
    ["osVersion", { osVersion: "v".repeat(65) }],
    ["description", { description: "d".repeat(1024 * 1024) }],
    ["properties", { properties: { "bad key": "x" } }],
    ["properties", { properties: { min_ram: "512" } }],
    ["properties", { properties: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"])) }],
    ["properties", { properties: { ok: "v".repeat(1025) } }],
    ["bogus", { bogus: 1 }],
  ];
  it.each(invalid)("rejects a bad %s with a message on that field and changes nothing", async (field, input) => {
    const id = await env.addImage({ owner: env.alice, name: `edit-${field}-${Math.random()}`, visibility: "private" });
    const before = await env.db.image.findUniqueOrThrow({ where: { id } });
    const result = await updateImageProperties(env.deps, env.alice, id, { minMemoryMiB: 1024, ...input });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("invalid");
    expect(result.error.fields?.[field === "bogus" ? "form" : field]).toBeTruthy();
    expect(await env.db.image.findUniqueOrThrow({ where: { id } })).toEqual(before);
  });

  it("stores valid values from a form (strings) and clears empty ones", async () => {
    const id = await env.addImage({ owner: env.alice, name: "edit-ok", visibility: "private" });
    const result = await updateImageProperties(env.deps, env.alice, id, {
      description: "Golden image",
      minMemoryMiB: "2048",
      minDiskGiB: "20",
      osType: "linux",
      osDistro: "debian",
      osVersion: "12",
      architecture: "aarch64",
      firmware: "uefi",
      properties: { hw_disk_bus: "virtio" },
    });
    expect(result.ok).toBe(true);
    const cleared = await updateImageProperties(env.deps, env.alice, id, { minDiskGiB: "", firmware: "" });
    expect(cleared.ok && cleared.value).toMatchObject({
      description: "Golden image",
      minMemoryMiB: 2048,
      minDiskGiB: null,
      osDistro: "debian",
      architecture: "aarch64",
      firmware: null,
      properties: { hw_disk_bus: "virtio" },
    });
  });
});

describe("lists", () => {
  it("separates platform and private, searches, sorts and pages", async () => {
    const scratch = await makeCatalogTestEnv();
    try {
      for (let i = 0; i < 25; i += 1)
        await scratch.addImage({
          owner: scratch.admin,
          name: `platform-${String(i).padStart(2, "0")}`,
          visibility: "platform",
          bytes: new Uint8Array(100 + i),
        });
      await scratch.addImage({ owner: scratch.alice, name: "alice-disk", visibility: "private" });
      await scratch.addImage({ owner: scratch.bob, name: "bob-disk", visibility: "private" });
      const page2 = await listImages(scratch.deps, scratch.alice, "platform", query({ page: "2", pageSize: "10" }));
      expect(page2.ok && page2.value.items.map((image) => image.name)).toEqual(Array.from({ length: 10 }, (_, i) => `platform-${10 + i}`));
      expect(page2.ok && [page2.value.total, page2.value.pageCount]).toEqual([25, 3]);
      const bySize = await listImages(scratch.deps, scratch.alice, "platform", query({ sort: "size", dir: "desc", pageSize: "1" }));
      expect(bySize.ok && bySize.value.items[0]?.name).toBe("platform-24");
      const search = await listImages(scratch.deps, scratch.alice, "platform", query({ q: "FORM-0" }));
      expect(search.ok && search.value.total).toBe(10);
      const mine = await listImages(scratch.deps, scratch.alice, "mine", query());
      expect(mine.ok && mine.value.items.map((image) => image.name)).toEqual(["alice-disk"]);
      expect((await listImages(scratch.deps, null, "mine", query())).ok).toBe(false);
    } finally {
      await scratch.close();
    }
  });

  it("hides deprecated platform images unless asked, and marks them", async () => {
    const id = await env.addImage({ owner: env.admin, name: "old-release", visibility: "platform" });
    await setDeprecated(env.deps, env.admin, id, true);
    const names = async (deprecated: boolean) => {
      const result = await listImages(env.deps, env.alice, "platform", query({ q: "old-release", deprecated: deprecated ? "1" : undefined }));
      return result.ok ? result.value.items.map((image) => `${image.name}:${image.status}`) : [];
    };
    expect(await names(false)).toEqual([]);
    expect(await names(true)).toEqual(["old-release:deprecated"]);
  });
});

describe("platform images on their way in", () => {
  it("are listed and shown to admins only until they are ready", async () => {
    const ids = Object.fromEntries(
      await Promise.all(
        (["uploading", "validating", "rejected", "ready"] as const).map(
          async (status) => [status, await env.addImage({ owner: env.admin, name: `incoming-${status}`, visibility: "platform", status })] as const,
        ),
      ),
    );
    const names = async (actor: typeof env.alice) => {
      const result = await listImages(env.deps, actor, "platform", query({ q: "incoming-" }));
      return result.ok ? result.value.items.map((image) => image.name).sort() : [];
    };
    expect(await names(env.alice)).toEqual(["incoming-ready"]);
    expect(await names(env.admin)).toEqual(["incoming-ready", "incoming-rejected", "incoming-uploading", "incoming-validating"]);
    expect(await getImage(env.deps, env.alice, ids.validating)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect((await getImage(env.deps, env.admin, ids.validating)).ok).toBe(true);
    expect((await getImage(env.deps, env.alice, ids.ready)).ok).toBe(true);
  });
});

describe("delete, publish and download", () => {
  it("delete removes the record and its bytes", async () => {
    const id = await env.addImage({ owner: env.alice, name: "to-delete", visibility: "private" });
    const key = (await env.db.image.findUniqueOrThrow({ where: { id } })).storageKey ?? "";
    expect(await env.deps.store.size(key)).not.toBeNull();
    expect((await deleteImage(env.deps, env.alice, id)).ok).toBe(true);
    expect(await env.db.image.findUnique({ where: { id } })).toBeNull();
    expect(await env.deps.store.size(key)).toBeNull();
  });

  it("publish makes an independent platform copy; the owner keeps theirs", async () => {
    const id = await env.addImage({ owner: env.alice, name: "golden", visibility: "private", bytes: new TextEncoder().encode("golden bytes") });
    await updateImageProperties(env.deps, env.alice, id, { minMemoryMiB: 4096 });
    const published = await publishImage(env.deps, env.admin, id, "Golden");
    expect(published.ok).toBe(true);
    if (!published.ok) return;
    expect(published.value).toMatchObject({ visibility: "platform", name: "Golden", minMemoryMiB: 4096 });
    expect([published.value.project, published.value.createdBy?.id]).toEqual([null, env.admin.id]);
    expect((await publishImage(env.deps, env.admin, id, "Golden")).ok).toBe(false);
    expect((await deleteImage(env.deps, env.alice, id)).ok).toBe(true);
    const copy = await openDownload(env.deps, env.bob, published.value.id, null);
    expect(copy.ok && copy.value.body && (await text(copy.value.body))).toBe("golden bytes");
  });

  it("download serves the whole file, one range (206) and refuses a range past the end (416)", async () => {
    const id = await env.addImage({ owner: env.alice, name: "ranged", visibility: "private", bytes: new TextEncoder().encode("0123456789") });
    const whole = await openDownload(env.deps, env.alice, id, null);
    expect(whole.ok && whole.value.status).toBe(200);
    expect(whole.ok && whole.value.headers["content-length"]).toBe("10");
    expect(whole.ok && whole.value.headers["content-disposition"]).toContain('filename="ranged.raw"');
    if (whole.ok && whole.value.body) expect(await text(whole.value.body)).toBe("0123456789");
    for (const [range, body, contentRange] of [
      ["bytes=2-5", "2345", "bytes 2-5/10"],
      ["bytes=7-", "789", "bytes 7-9/10"],
      ["bytes=-3", "789", "bytes 7-9/10"],
      ["bytes=8-100", "89", "bytes 8-9/10"],
    ] as const) {
      const part = await openDownload(env.deps, env.alice, id, range);
      expect(part.ok && [part.value.status, part.value.headers["content-range"]]).toEqual([206, contentRange]);
      if (part.ok && part.value.body) expect(await text(part.value.body)).toBe(body);
    }
    const beyond = await openDownload(env.deps, env.alice, id, "bytes=10-");
    expect(beyond.ok && [beyond.value.status, beyond.value.headers["content-range"], beyond.value.body]).toEqual([416, "bytes */10", undefined]);
  });

  it("download of an image still uploading is a conflict, for its owner and admins", async () => {
    const id = await env.addImage({ owner: env.alice, name: "half-way", visibility: "private", status: "uploading" });
    for (const actor of [env.alice, env.admin]) {
      const result = await openDownload(env.deps, actor, id, null);
      expect(result.ok ? "ok" : `${result.error.code}: ${result.error.message}`).toBe("conflict: This image is still uploading.");
    }
  });

  it("a missing image and another user's image look the same", async () => {
    const id = await env.addImage({ owner: env.alice, name: "secret", visibility: "private" });
    const other = await getImage(env.deps, env.bob, id);
    const missing = await getImage(env.deps, env.bob, "no-such-id");
    expect(other.ok ? null : other.error).toEqual(missing.ok ? null : missing.error);
  });
});
