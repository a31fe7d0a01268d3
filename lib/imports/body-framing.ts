import { type Framing } from "./http-head";
import { ImportFailure } from "./errors";

/** The longest chunk-size or trailer line accepted: a chunk size is a few hex digits. */
const MAX_LINE = 4096;

const cut = () => new ImportFailure("network", "The server closed the connection before the end of the file.", true);
const badChunk = (what: string) => new ImportFailure("http", `The server's chunked answer is malformed (${what}).`);

/**
 * Finds the body's bytes in what the socket delivers, read by read: all of it (until the connection
 * closes), the Content-Length's worth, or the data of each chunk (chunk-size lines, their CRLFs and the
 * trailers left out). Answers views of the reads: nothing is copied.
 */
export class BodyFraming {
  private left: number;
  /** Where a chunked body is: a size line, a chunk's data, the CRLF after it, the trailers. */
  private phase: "size" | "data" | "crlf" | "trailer" = "size";
  private line = "";
  done: boolean;

  constructor(private readonly framing: Framing) {
    this.left = framing.kind === "length" ? framing.length : 0;
    this.done = framing.kind === "length" && framing.length === 0;
  }

  /** The body bytes in `read`, in order; bytes after the body's end are ignored (the connection is not reused). */
  take(read: Buffer, emit: (data: Buffer) => void): void {
    if (this.done) return;
    if (this.framing.kind === "close") emit(read);
    else if (this.framing.kind === "length") {
      const data = read.subarray(0, this.left);
      this.left -= data.length;
      this.done = this.left === 0;
      if (data.length) emit(data);
    } else this.chunked(read, emit);
  }

  /** The connection closed: fine only where the body may end. */
  end(): void {
    if (this.framing.kind === "close") this.done = true;
    if (!this.done) throw cut();
  }

  private chunked(read: Buffer, emit: (data: Buffer) => void): void {
    let at = 0;
    while (at < read.length && !this.done) {
      if (this.phase === "data") {
        const data = read.subarray(at, at + this.left);
        at += data.length;
        this.left -= data.length;
        if (this.left === 0) this.phase = "crlf";
        emit(data);
        continue;
      }
      const newline = read.indexOf(10, at);
      const end = newline === -1 ? read.length : newline + 1;
      this.line += read.toString("latin1", at, end);
      at = end;
      if (this.line.length > MAX_LINE) throw badChunk("a line too long");
      if (newline !== -1) this.lineDone(this.line.replace(/\r?\n$/, ""));
    }
  }

  private lineDone(line: string): void {
    this.line = "";
    if (this.phase === "crlf") {
      if (line !== "") throw badChunk("no CRLF after a chunk");
      this.phase = "size";
    } else if (this.phase === "size") {
      const size = /^([0-9a-fA-F]{1,13})[ \t]*(?:;.*)?$/.exec(line);
      if (!size) throw badChunk(`the chunk size "${line.slice(0, 40)}"`);
      this.left = parseInt(size[1], 16);
      this.phase = this.left === 0 ? "trailer" : "data";
    } else if (line === "") this.done = true;
  }
}
