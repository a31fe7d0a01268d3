import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeUploadTestEnv, type UploadTestEnv } from "../testing/upload-env";
import { createUpload } from "./create";
import { roomForNewTransfer } from "./room";

let env: UploadTestEnv;
beforeEach(async () => {
  env = await makeUploadTestEnv({ userQuota: null });
});
afterEach(async () => {
  await env.close();
});

const newId = () => randomBytes(16).toString("hex");
const KiB = 1024;

async function importRow(status: string, total: bigint | null, received: bigint) {
  await env.db.imageImport.create({
    data: { id: newId(), userId: env.alice.id, url: "https://mirror.example/disk.qcow2", fileName: "disk.qcow2", status, total, received },
  });
}

describe("the room a new upload or import may take", () => {
  it("is the measured free space less the reserve and what uploads and imports in progress announced and have not written", async () => {
    const upload = await createUpload(env.uploads, env.alice, { id: newId(), length: 40 * KiB, metadata: { name: "half-sent" } });
    if (!upload.ok) throw new Error(upload.error.message);
    await env.db.upload.updateMany({ where: { imageId: upload.value.imageId }, data: { offset: 10 * KiB } });
    await importRow("downloading", 50n * 1024n, 20n * 1024n);
    // Ended imports, and one whose server did not say the length, promise nothing.
    await importRow("done", 70n * 1024n, 70n * 1024n);
    await importRow("failed", 90n * 1024n, 5n * 1024n);
    await importRow("downloading", null, 5n * 1024n);
    expect(await roomForNewTransfer(env.uploads, 1000 * KiB, 100 * KiB)).toBe((1000 - 100 - 30 - 30) * KiB);
    expect(await roomForNewTransfer(env.uploads, 100 * KiB, 100 * KiB)).toBe(0);
    expect(await roomForNewTransfer(env.uploads, null, 100 * KiB)).toBe(Infinity);
  });

  it("refuses an upload the disk has no room for", async () => {
    env.uploads.config.minFreeSpace = 1024 ** 5 * 1024;
    const result = await createUpload(env.uploads, env.alice, { id: newId(), length: 1024, metadata: { name: "tiny" } });
    expect(result.ok || result.error.code).toBe("insufficient_storage");
    if (!result.ok) expect(result.error.message).toMatch(/^The server has no room for this image: it needs 1 KiB and 0 bytes is free for uploads\./);
    expect(await env.db.image.count({ where: { name: "tiny" } })).toBe(0);
  });

  it("refuses a new upload the imports in progress have already claimed, and takes it once they ended", async () => {
    const MiB = 1024 * KiB;
    await importRow("downloading", BigInt(1024 * MiB), 0n);
    // The reserve leaves 512 MiB free beyond it (a margin for whatever else writes to this disk meanwhile); the import claims 1 GiB.
    env.uploads.config.minFreeSpace = Math.max(0, Number(await env.uploads.area.freeSpace()) - 512 * MiB);
    const squeezed = await createUpload(env.uploads, env.alice, { id: newId(), length: 32 * KiB, metadata: { name: "squeezed" } });
    expect(squeezed.ok || squeezed.error.code).toBe("insufficient_storage");
    await env.db.imageImport.updateMany({ data: { status: "done" } });
    expect(await createUpload(env.uploads, env.alice, { id: newId(), length: 32 * KiB, metadata: { name: "squeezed" } })).toMatchObject({ ok: true });
  });
});
