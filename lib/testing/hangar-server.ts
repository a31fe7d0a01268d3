import fs from "node:fs";
import path from "node:path";
import type { Actor } from "../auth/actor";
import { createToken } from "../auth/tokens";
import { type HangarProcess, launchHangar } from "./hangar-process";
import { insertImage, type TestImage } from "./images";

/** A production Hangar as launchHangar starts it, with helpers that put images and tokens in its store and database. */
export interface HangarServer extends HangarProcess {
  addImage(image: TestImage): Promise<string>;
  /** A fresh API token for the user; `expiresInDays` and `now` as createToken takes them. */
  token(actor: Actor, options?: { name?: string; expiresInDays?: number | null; now?: Date }): Promise<{ id: string; secret: string }>;
}

export async function startHangarServer(env: Record<string, string> = {}): Promise<HangarServer> {
  const hangar = await launchHangar(env);
  const scratch = fs.mkdtempSync(path.join(hangar.dataDir, "scratch-"));
  return {
    ...hangar,
    addImage: (image) => insertImage(hangar.db, hangar.storage.images, scratch, image),
    async token(actor, { name = "test", expiresInDays = null, now } = {}) {
      const created = await createToken(hangar.db, actor, { name, expiresInDays }, now);
      if (!created.ok) throw new Error(created.error.message);
      return { id: created.value.token.id, secret: created.value.secret };
    },
  };
}
