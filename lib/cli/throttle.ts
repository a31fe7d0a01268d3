import { Transform } from "node:stream";

/**
 * Passes bytes through at no more than `bytesPerSecond` on average (like
 * curl --limit-rate), so a transfer does not fill a shared link.
 */
export function throttle(bytesPerSecond: number): Transform {
  const started = Date.now();
  let passed = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      passed += chunk.length;
      const due = started + (passed / bytesPerSecond) * 1000;
      const wait = due - Date.now();
      if (wait <= 0) callback(null, chunk);
      else setTimeout(() => callback(null, chunk), wait);
    },
  });
}
