import { Transform } from "node:stream";
import { uploadBytesReceived } from "../metrics/metrics";
import type { UploadDeps } from "./deps";
import { TusRefusal } from "./error-answers";
import { noteProgress } from "./progress";

const PROGRESS_NOTE_MS = 2000;

/** The image an upload was filling was deleted while its bytes streamed in. */
export const imageDeleted = () => new TusRefusal("gone", "The image this upload was filling was deleted, so the upload ended and its bytes were discarded.");

/**
 * The bytes of one PATCH on their way to the upload area, whichever it is: counted for the metrics, and every two
 * seconds noted as progress (a long PATCH keeps its upload alive for the cleanup job), which also stops the
 * transfer if its image was deleted meanwhile. `written` says how many bytes are safely stored so far; `onChunk`
 * sees each chunk before it passes. `settled` waits for a note still in flight.
 */
export function receiving(deps: UploadDeps, id: string, offset: number, written: () => number, onChunk?: (length: number) => void) {
  let lastNote = Date.now();
  // Written from the stream's callbacks: an object, so that readers see it as it is then.
  const note: { pending: Promise<void> | null } = { pending: null };
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      uploadBytesReceived.inc(chunk.length);
      onChunk?.(chunk.length);
      const now = Date.now();
      if (!note.pending && now - lastNote >= PROGRESS_NOTE_MS) {
        lastNote = now;
        note.pending = noteProgress(deps.db, id, offset + written(), { force: true }).then((alive) => {
          note.pending = null;
          if (!alive) stream.destroy(imageDeleted());
        });
      }
      callback(null, chunk);
    },
  });
  return { stream, settled: () => note.pending ?? Promise.resolve() };
}
