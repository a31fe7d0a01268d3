import { AsyncLocalStorage } from "node:async_hooks";
import type { ServerResponse } from "node:http";
import type { Actor } from "../auth/actor";
import type { UploadRecord } from "./access";

/** Who is asking, for the tus server's hooks: the upload route authenticates once and runs tus inside this. */
export interface UploadRequestContext {
  actor: Actor;
  /** The Node response, for headers tus has no hook for (Hangar-Image-Id, Upload-Expires at creation). */
  res: ServerResponse;
  /** The upload the request is about, as the ownership check read it (its length and metadata never change). */
  upload?: UploadRecord;
  /** The upload this request created (a POST), so that a creation refused after its records exist removes them. */
  created?: { id: string; imageId: string };
}

export const uploadRequestContext = new AsyncLocalStorage<UploadRequestContext>();

export function currentUploadRequest(): UploadRequestContext {
  const context = uploadRequestContext.getStore();
  if (!context) throw new Error("tus hook called outside the upload route");
  return context;
}
