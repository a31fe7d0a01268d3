import { createHash } from "node:crypto";
import fs from "node:fs";
import { Transform } from "node:stream";

/**
 * The sha256 of a file computed from the bytes an upload reads anyway: each
 * chunk that continues where the hash stopped is hashed as it goes by; a
 * chunk sent again after a retry is not hashed twice; what the upload skips
 * (the part a resumed upload already sent) is read from the file.
 */
export class SequentialHash {
  private readonly hash = createHash("sha256");
  private position = 0;

  constructor(private readonly file: string) {}

  /** Hashes the file from where the hash stopped up to `offset`. */
  async catchUp(offset: number): Promise<void> {
    if (offset <= this.position) return;
    for await (const chunk of fs.createReadStream(this.file, { start: this.position, end: offset - 1, highWaterMark: 1 << 20 })) {
      this.hash.update(chunk as Buffer);
      this.position += (chunk as Buffer).length;
    }
    if (this.position !== offset) throw new Error(`${this.file} is shorter than ${offset} bytes; it changed during the upload`);
  }

  /** Passes the bytes of the file from `start` on through, hashing those that come next in order. */
  meter(start: number, onBytes: (count: number) => void): Transform {
    let at = start;
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        const end = at + chunk.length;
        if (at <= this.position && end > this.position) {
          this.hash.update(chunk.subarray(this.position - at));
          this.position = end;
        }
        at = end;
        onBytes(chunk.length);
        callback(null, chunk);
      },
    });
  }

  async digest(size: number): Promise<string> {
    await this.catchUp(size);
    return this.hash.digest("hex");
  }
}
