import net from "node:net";
import { Readable } from "node:stream";
import tls from "node:tls";
import { BodyFraming } from "./body-framing";
import { ImportFailure } from "./errors";
import { framingOf, MAX_HEAD_BYTES, parseHead } from "./http-head";

/** The least room a read is given: what node:net reads at a time. */
export const READ_BYTES = 64 << 10;

/**
 * Where a body goes when it is read into the caller's buffers (lib/imports/file-writer.ts) rather than
 * into a fresh buffer per read: on loopback at 1 GB/s, node:http's 64 KiB allocation per read, its
 * parser's callbacks and the stream's hops cost the import several times curl's CPU.
 */
export interface BodySink {
  /** Where the next read lands: at least READ_BYTES long; the same region until `filled`. */
  space(): Buffer;
  /** The first `length` bytes of the last space() now hold the body's next bytes. False: stop reading until `resume`. */
  filled(length: number, resume: () => void): boolean;
}

export interface GetOptions {
  headers: Record<string, string>;
  lookup: net.LookupFunction;
  /** Why the connected peer may not be talked to, checked before a byte is sent (null: it may). */
  peerRefusal: (address: string) => Error | null;
  idleTimeoutMs: number;
  /** CA certificates (PEM) trusted for https beside the system's. */
  ca?: string | null;
  signal?: AbortSignal;
}

const premature = () => new ImportFailure("network", "The server closed the connection before the end of the file.", true);

/**
 * An HTTP/1.1 GET's response, read from a socket that reads into buffers given to it (node:net's `onread`):
 * the head is parsed here (lib/imports/http-head.ts), then the body is either a Readable (fresh buffers,
 * for the unpacker and small files) or poured into a BodySink's buffers, with no allocation per read.
 */
export class GuardedResponse extends Readable {
  statusCode = 0;
  statusMessage = "";
  headers: Partial<Record<string, string>> = {};
  private readonly socket: net.Socket;
  /** Reading the head; body bytes held until a consumer comes (or peek asks); a Readable; into a sink. */
  private mode: "head" | "held" | "stream" | "sink" = "head";
  private readonly head = Buffer.allocUnsafe(MAX_HEAD_BYTES);
  private headLength = 0;
  private framing = new BodyFraming({ kind: "close" });
  private held: Buffer[] = [];
  private heldLength = 0;
  private wanted = 0;
  private sink: { target: BodySink; region: Buffer; resume: () => void } | null = null;
  private waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private opened: { resolve: (response: GuardedResponse) => void; reject: (error: Error) => void };

  private constructor(url: URL, options: GetOptions, opened: GuardedResponse["opened"]) {
    // A stream consumer's reads are pushed with no pause until a MiB waits: a pause and a restart per 64 KiB read cost system calls.
    super({ highWaterMark: 1 << 20 });
    this.opened = opened;
    // Failures reach the caller through the promises (opening, peek, bodyInto) or the stream's own consumer;
    // without a listener, an 'error' after the caller moved on would end the process.
    this.on("error", () => undefined);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
    const request = requestText(url, options.headers);
    const onread = { buffer: () => this.nextBuffer(), callback: (length: number, buffer: Uint8Array) => this.onRead(length, buffer as Buffer) };
    const connect = { host, port, lookup: options.lookup, onread };
    this.socket =
      url.protocol === "https:"
        ? tls.connect({ ...connect, servername: net.isIP(host) ? undefined : host, ...(options.ca ? { ca: [...tls.rootCertificates, options.ca] } : {}) })
        : net.connect(connect);
    this.socket.once("connect", () => {
      const refusal = this.socket.remoteAddress ? options.peerRefusal(this.socket.remoteAddress) : premature();
      if (refusal) this.destroy(refusal);
      else if (!(this.socket instanceof tls.TLSSocket)) this.socket.write(request);
    });
    this.socket.once("secureConnect", () => this.socket.write(request));
    this.socket.setTimeout(options.idleTimeoutMs, () =>
      this.destroy(new ImportFailure("network", `${url.host} sent nothing for ${Math.round(options.idleTimeoutMs / 1000)} s.`, true)),
    );
    this.socket.on("end", () => this.ended());
    this.socket.on("error", (error) => this.destroy(error));
    this.socket.on("close", () => this.ended());
    const { signal } = options;
    if (signal) {
      const abort = () => this.destroy(signal.reason as Error);
      if (signal.aborted) abort();
      signal.addEventListener("abort", abort, { once: true });
      this.once("close", () => signal.removeEventListener("abort", abort));
    }
  }

  /** GETs `url` and answers once the response's head is in. */
  static get(url: URL, options: GetOptions): Promise<GuardedResponse> {
    return new Promise((resolve, reject) => new GuardedResponse(url, options, { resolve, reject }));
  }

  /** The body's first `length` bytes (fewer if it is shorter), leaving them for whoever reads the body. */
  async peek(length: number): Promise<Buffer> {
    if (this.mode !== "held") throw new Error("peek comes before the body is read");
    if (this.heldLength < length && !this.framing.done) {
      this.wanted = length;
      await this.until(() => this.socket.resume());
    }
    return Buffer.concat(this.held).subarray(0, length);
  }

  /** Pours the body into `target`'s buffers; resolves once all of it is there. */
  async bodyInto(target: BodySink): Promise<void> {
    if (this.mode !== "held") throw new Error("the body is read already");
    this.mode = "sink";
    const resume = () => this.wake();
    // What arrived before is copied (a few reads at most); the socket reads into the sink's buffers from here on.
    for (const data of this.held.splice(0)) {
      for (let at = 0; at < data.length;) {
        const region = target.space();
        const copied = data.copy(region, 0, at);
        at += copied;
        if (!target.filled(copied, resume)) await this.until(() => undefined);
      }
    }
    this.sink = { target, region: target.space(), resume: () => this.socket.resume() };
    if (this.framing.done) return;
    await this.until(() => this.socket.resume());
  }

  override _read(): void {
    if (this.mode === "held") {
      this.mode = "stream";
      for (const data of this.held.splice(0)) this.push(data);
      if (this.framing.done) this.push(null);
    }
    if (this.mode === "stream" && !this.framing.done) this.socket.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    const failure = error ?? premature();
    this.opened.reject(failure);
    for (const waiter of this.waiters.splice(0)) waiter.reject(failure);
    callback(error);
  }

  private until(start: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      start();
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  private nextBuffer(): Buffer {
    if (this.mode === "head") return this.head.subarray(this.headLength);
    if (this.sink) return (this.sink.region = this.sink.target.space());
    return Buffer.allocUnsafe(READ_BYTES);
  }

  /** One read of `length` bytes into `buffer`; false stops reading. */
  private onRead(length: number, buffer: Buffer): boolean {
    try {
      const read = buffer.subarray(0, length);
      if (this.mode === "head") return this.onHead(length);
      if (this.sink) return this.intoSink(read);
      this.framing.take(read, (data) => (this.mode === "stream" ? this.push(data) : this.hold(data)));
      if (this.framing.done) this.bodyDone();
      return this.mode === "stream" ? this.readableLength < this.readableHighWaterMark : this.heldLength < this.wanted;
    } catch (error) {
      this.destroy(error as Error);
      return false;
    }
  }

  private onHead(length: number): boolean {
    const searchFrom = Math.max(0, this.headLength - 3);
    this.headLength += length;
    const end = this.head.subarray(0, this.headLength).indexOf("\r\n\r\n", searchFrom);
    if (end === -1) {
      if (this.headLength === MAX_HEAD_BYTES) throw new ImportFailure("http", `The server's answer has more than ${MAX_HEAD_BYTES >> 10} KiB of headers.`);
      return true;
    }
    Object.assign(this, parseHead(this.head.toString("latin1", 0, end)));
    this.framing = new BodyFraming(framingOf(this));
    this.mode = "held";
    this.framing.take(Buffer.from(this.head.subarray(end + 4, this.headLength)), (data) => this.hold(data));
    if (this.framing.done) this.bodyDone();
    this.opened.resolve(this);
    return false;
  }

  private hold(data: Buffer): void {
    this.held.push(data);
    this.heldLength += data.length;
    if (this.heldLength >= this.wanted) this.wake();
  }

  /** Body bytes of a read into the sink's region, made contiguous at its start (a chunked body's framing taken out). */
  private intoSink(read: Buffer): boolean {
    const sink = this.sink as NonNullable<typeof this.sink>;
    const { region } = sink;
    const inRegion = read.buffer === region.buffer && read.byteOffset === region.byteOffset;
    let length = 0;
    this.framing.take(read, (data) => {
      // Data of a read into the region moves (if at all) only towards its start; a read that landed elsewhere (the first
      // after bodyInto, into a buffer given before) is copied.
      if (!inRegion || data.byteOffset !== region.byteOffset + length) region.set(data, length);
      length += data.length;
    });
    const going = sink.target.filled(length, sink.resume);
    if (this.framing.done) this.bodyDone();
    return going;
  }

  private bodyDone(): void {
    this.socket.destroy();
    if (this.mode === "stream") this.push(null);
    this.wake();
  }

  /** The connection ended: the body's end if its framing allows, a cut otherwise. */
  private ended(): void {
    if (this.mode === "head") return void this.destroy(premature());
    if (this.framing.done) return;
    try {
      this.framing.end();
      this.bodyDone();
    } catch (error) {
      this.destroy(error as Error);
    }
  }
}

/** The request, with no header value that could split it. */
function requestText(url: URL, headers: Record<string, string>): string {
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, "Connection: close"];
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n\0]/.test(value)) throw new ImportFailure("http", `The ${name} header may not hold a line break.`);
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join("\r\n")}\r\n\r\n`;
}
