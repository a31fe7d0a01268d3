import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { fixtureFamily } from "../testing/fixtures";
import { columnsFromReport } from "./prefill";
import { resumePendingValidations, scheduleValidation, validationActivity, validationsSettled } from "./validation";

const formats = fixtureFamily("formats");
const guests = fixtureFamily("guests");
/** A Debian 12 guest disk (GPT, ext4 root, cloud-init, virtio) that passes every check. */
const DEBIAN = () => guests.file("debian12-gpt-ext4.qcow2");
let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterEach(async () => {
  await validationsSettled();
});
afterAll(async () => {
  await env.close();
});

/** Stores a copy of a fixture (a formats fixture's name, or a path) as a new image, as registration and the upload finish do. */
async function store(fixture: string, name: string, properties: Record<string, unknown> = {}) {
  return env.storeCopy(path.isAbsolute(fixture) ? fixture : formats.file(fixture), name, properties);
}

const image = (id: string) => env.db.image.findUniqueOrThrow({ where: { id } });
const report = async (id: string) =>
  JSON.parse((await image(id)).report ?? "null") as { verdict: string; checks: { id: string; status: string; fix?: string; message: string }[] };

describe.skipIf(formats.skipped ?? guests.skipped)("validation of a stored image", () => {
  it("accepts a cloud-ready guest: status ready, format and sizes from the file, properties from the guest, the report stored", async () => {
    const id = await store(DEBIAN(), "good", { osVersion: "12.5", minMemoryMiB: 512 });
    expect((await image(id)).status).toBe("validating");
    await validationsSettled();
    const row = await image(id);
    expect([row.status, row.diskFormat, Number(row.virtualSize), row.validationProgress]).toEqual(["ready", "qcow2", 200 * 1024 * 1024, 100]);
    // The guest fills what the uploader left empty; what they gave stays.
    expect([row.osType, row.osDistro, row.osVersion, row.architecture, row.firmware, row.minDiskGiB, row.minMemoryMiB]).toEqual([
      "linux",
      "debian",
      "12.5",
      "x86_64",
      "bios",
      1,
      512,
    ]);
    expect(await report(id)).toMatchObject({ verdict: "accepted", format: "qcow2", guest: { distro: "debian", version: "12" } });
  });

  it("rejects a disk with no operating system on it", async () => {
    const id = await store("qcow2-v3.qcow2", "empty-disk");
    await validationsSettled();
    expect((await image(id)).status).toBe("rejected");
    expect((await report(id)).checks.find((check: { id: string }) => check.id === "guest.os")).toMatchObject({ status: "fail" });
  });

  it.each([
    // A VHD is converted on the server now (lib/catalog/conversion.test.ts); a QED that names a backing file is not.
    ["hostile-backing.qed", "qemu-img convert -p -f qed -O qcow2 hostile-backing.qed hostile-backing.qcow2"],
    ["hostile-backing.qcow2", undefined],
    ["plain.zip", undefined],
  ])("rejects %s with the failed check and its fix naming the file", async (fixture, fix) => {
    const id = await store(fixture, `bad-${fixture}`);
    await validationsSettled();
    expect((await image(id)).status).toBe("rejected");
    const stored = await report(id);
    expect(stored.verdict).toBe("rejected");
    const failed = stored.checks.filter((check: { status: string }) => check.status === "fail");
    expect(failed.length).toBeGreaterThan(0);
    if (fix) expect(failed[0].fix).toBe(fix);
  });

  it("rejects an image whose bytes differ from the checksum the uploader declared", async () => {
    const id = await store(DEBIAN(), "declared");
    await validationsSettled();
    await env.db.image.update({ where: { id }, data: { status: "validating", declaredSha256: "0".repeat(64) } });
    scheduleValidation(env.deps, id);
    await validationsSettled();
    const stored = await report(id);
    expect([(await image(id)).status, stored.checks[0].id, stored.checks[0].status]).toEqual(["rejected", "upload.checksum", "fail"]);

    const actual = createHash("sha256").update(fs.readFileSync(DEBIAN())).digest("hex");
    await env.db.image.update({ where: { id }, data: { status: "validating", declaredSha256: actual } });
    scheduleValidation(env.deps, id);
    await validationsSettled();
    expect([(await image(id)).status, (await report(id)).checks[0].status]).toEqual(["ready", "pass"]);
  });

  it("picks up at start the images a stop left validating", async () => {
    const id = await store(DEBIAN(), "interrupted");
    await validationsSettled();
    // What a crash mid-validation leaves behind.
    await env.db.image.update({ where: { id }, data: { status: "validating", validationProgress: 40, report: null } });
    expect(await resumePendingValidations(env.deps)).toBeGreaterThanOrEqual(1);
    await validationsSettled();
    expect([(await image(id)).status, (await image(id)).validationProgress]).toEqual(["ready", 100]);
  });

  it("runs a bounded number of validations at once", async () => {
    const previous = process.env.HANGAR_VALIDATION_CONCURRENCY;
    process.env.HANGAR_VALIDATION_CONCURRENCY = "2";
    try {
      const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => store(DEBIAN(), `batch-${n}`)));
      const { active, waiting } = validationActivity();
      expect(active).toBeLessThanOrEqual(2);
      expect(active + waiting).toBeLessThanOrEqual(5);
      await validationsSettled();
      expect(validationActivity()).toEqual({ active: 0, waiting: 0 });
      for (const id of ids) expect((await image(id)).status).toBe("ready");
    } finally {
      // Assigning undefined to process.env would store the text "undefined".
      if (previous === undefined) delete process.env.HANGAR_VALIDATION_CONCURRENCY;
      else process.env.HANGAR_VALIDATION_CONCURRENCY = previous;
    }
  });

  it("leaves alone an image deleted while it waited", async () => {
    const id = await store("qcow2-v3.qcow2", "deleted-meanwhile");
    await env.db.image.delete({ where: { id } });
    await validationsSettled();
    expect(await env.db.image.findUnique({ where: { id } })).toBeNull();
  });
});

describe("properties from the guest", () => {
  const guest = {
    osType: "linux" as const,
    distro: "Debian",
    version: "12",
    prettyName: "Debian GNU/Linux 12",
    arch: "x86_64",
    kernels: [],
    firmware: ["bios", "uefi"] as ("bios" | "uefi")[],
    root: null,
  };
  const none = { osType: null, osDistro: null, osVersion: null, architecture: null, firmware: null, minDiskGiB: null };

  it("fills what the image does not say, with the minimum disk rounded up to whole GiB", () => {
    expect(columnsFromReport({ format: "qcow2", virtualSize: 2 * 1024 ** 3 + 1, guest }, none)).toEqual({
      diskFormat: "qcow2",
      virtualSize: BigInt(2 * 1024 ** 3 + 1),
      osType: "linux",
      osDistro: "debian",
      osVersion: "12",
      architecture: "x86_64",
      firmware: "bios",
      minDiskGiB: 3,
    });
  });

  it("never replaces what the uploader gave", () => {
    const given = { osType: "linux", osDistro: "ubuntu", osVersion: "24.04", architecture: "aarch64", firmware: "uefi", minDiskGiB: 20 };
    expect(columnsFromReport({ format: "raw", virtualSize: 1024 ** 3, guest }, given)).toEqual({ diskFormat: "raw", virtualSize: BigInt(1024 ** 3) });
  });

  it("keeps out what a property could not hold", () => {
    const odd = { ...guest, arch: "riscv64", distro: "Not A Distro!", firmware: ["uefi"] as ("bios" | "uefi")[] };
    expect(columnsFromReport({ format: "raw", virtualSize: null, guest: odd }, none)).toEqual({
      diskFormat: "raw",
      osType: "linux",
      osVersion: "12",
      firmware: "uefi",
    });
  });
});
