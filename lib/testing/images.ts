import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import type { Actor } from "../auth/actor";
import { nameColumns } from "../catalog/image-name";
import { newStorageKey } from "../catalog/keys";
import { versionKey } from "../catalog/version-order";
import type { Db } from "../db/client";
import { ensurePersonalProject } from "../projects/personal";
import type { ImageStore } from "../storage/store";

export interface TestImage {
  /** Who creates it: a private image goes into their personal project unless `projectId` names another. */
  owner: Actor;
  projectId?: string;
  name: string;
  visibility: "platform" | "private";
  bytes?: Uint8Array;
  status?: string;
  /** A version of a family: both, or neither. */
  family?: string;
  version?: string;
}

/** Stores real bytes and an image record straight into a database and store; returns the image id. */
export async function insertImage(
  db: Db,
  store: ImageStore,
  scratchDir: string,
  { owner, projectId, name, visibility, bytes = new Uint8Array(4096).fill(7), status = "ready", family, version }: TestImage,
): Promise<string> {
  const storageKey = newStorageKey();
  const source = path.join(scratchDir, `${storageKey}.src`);
  fs.writeFileSync(source, bytes);
  await store.adopt(storageKey, source);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const project = visibility === "private" ? (projectId ?? (await ensurePersonalProject(db, owner)).id) : null;
  const row = await db.image.create({
    data: {
      ...nameColumns(name, visibility, project),
      visibility,
      projectId: project,
      createdById: owner.id,
      status,
      ...(family && version ? { family, version, versionKey: versionKey(version) } : {}),
      diskFormat: "raw",
      fileSize: BigInt(bytes.length),
      virtualSize: BigInt(bytes.length),
      sha256,
      storageKey,
    },
  });
  return row.id;
}
