import type { ImageProgress } from "../../catalog/progress";
import type { UnfinishedUpload } from "../list";
import { UPLOAD_PATH } from "../protocol";

// The two reads the browser client makes of Hangar's API besides the tus transfers, with the session cookie.

/** The API operation the live status polls (lib/api/operations.ts, getImageProgress). */
export const IMAGE_PROGRESS_PATH = "/api/v1/image-progress";

async function getJson<T>(url: string): Promise<T | null> {
  try {
    const response = await fetch(url, { headers: { accept: "application/json" } });
    return response.ok ? ((await response.json()) as T) : null;
  } catch {
    return null;
  }
}

/** Where these images stand; null when the request failed. */
export function fetchImageProgress(ids: string[]): Promise<ImageProgress[] | null> {
  return getJson(`${IMAGE_PROGRESS_PATH}?ids=${ids.map(encodeURIComponent).join(",")}`);
}

/** The user's unfinished uploads (none when the request failed: every file then starts anew). */
export async function fetchUnfinishedUploads(): Promise<UnfinishedUpload[]> {
  return (await getJson<UnfinishedUpload[]>(UPLOAD_PATH)) ?? [];
}

/** Deletes an unfinished upload (tus termination): its partial file and the image waiting for it. */
export async function discardUpload(url: string): Promise<void> {
  await fetch(url, { method: "DELETE", headers: { "Tus-Resumable": "1.0.0" } }).catch(() => undefined);
}
