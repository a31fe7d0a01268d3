import { parentPort } from "node:worker_threads";
import { isInspectError } from "../inspect/errors";
import { openImageDisk } from "../inspect/disk/open-guest-disk";
import type { RandomAccessReader } from "../inspect/reader";
import { convertDisk } from "./convert-disk";
import { digestDisk } from "./digest";
import type { DiskTask, DiskTaskResult, HostMessage, WorkerMessage } from "./worker-protocol";

// The thread that digests or converts an image: all the CPU (hashing, inflating clusters, finding
// zeros) happens here, off the event loop; the bytes come from the host, which alone holds the
// image store, into this thread's shared buffers (no copy for the large reads).
const port = parentPort;
if (!port) throw new Error("lib/convert/disk-worker.ts runs in a worker thread");
const post = (message: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);

const waiting = new Map<number, { resolve: (value: Uint8Array | number) => void; reject: (error: Error) => void }>();
let nextId = 0;
const ask = <T extends Uint8Array | number>(message: WorkerMessage & { id: number }): Promise<T> =>
  new Promise((resolve, reject) => {
    waiting.set(message.id, { resolve: resolve as (value: Uint8Array | number) => void, reject });
    post(message);
  });

/** The host's reader, seen from this thread. */
function hostReader(size: number): RandomAccessReader {
  return {
    size,
    read: (offset, length) => ask<Uint8Array>({ type: "read", id: nextId++, offset, length }),
    readInto(offset, target) {
      if (!(target.buffer instanceof SharedArrayBuffer))
        return this.read(offset, target.length).then((bytes) => {
          target.set(bytes);
          return bytes.length;
        });
      return ask<number>({ type: "fill", id: nextId++, offset, buffer: target.buffer, byteOffset: target.byteOffset, length: target.length });
    },
  };
}

async function run(task: DiskTask, size: number): Promise<DiskTaskResult> {
  const disk = await openImageDisk(hostReader(size), task.info);
  let shown = -1;
  const onProgress = (fraction: number) => {
    const percent = Math.floor(fraction * 100);
    if (percent === shown) return;
    shown = percent;
    post({ type: "progress", fraction });
  };
  if (task.kind === "digest") return { digest: await digestDisk(disk, onProgress) };
  return convertDisk(disk, task.out, task.target, { onProgress, digest: task.digest, compression: task.compression });
}

port.on("message", (message: HostMessage) => {
  if (message.type === "run") {
    run(message.task, message.size).then(
      (result) => post({ type: "done", result }),
      (error: unknown) =>
        post({
          type: "failed",
          message: error instanceof Error ? error.message : String(error),
          ...(isInspectError(error) ? { inspectCode: error.code } : {}),
        }),
    );
    return;
  }
  const pending = waiting.get(message.id);
  if (!pending) return;
  waiting.delete(message.id);
  if (message.type === "readFailed") pending.reject(new Error(message.message));
  else pending.resolve(message.type === "read" ? message.bytes : message.bytesRead);
});
