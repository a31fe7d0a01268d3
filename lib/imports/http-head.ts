import { ImportFailure } from "./errors";

/** The most a response's status line and headers may take: more is not a file server's answer. */
export const MAX_HEAD_BYTES = 64 << 10;

export interface ResponseHead {
  statusCode: number;
  statusMessage: string;
  /** By lower-case name; repeated headers joined with ", ", as node:http does for most. */
  headers: Partial<Record<string, string>>;
}

/** How the body after the head is delimited (RFC 9112 section 6.3). */
export type Framing = { kind: "length"; length: number } | { kind: "chunked" } | { kind: "close" };

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const malformed = (what: string) => new ImportFailure("http", `The server's answer is not valid HTTP/1.1 (${what}).`);

/** Parses a response head: `text` is everything before the blank line that ends it. */
export function parseHead(text: string): ResponseHead {
  const [statusLine, ...lines] = text.split("\r\n");
  const status = STATUS_LINE.exec(statusLine);
  if (!status) throw malformed("its status line");
  const headers: Partial<Record<string, string>> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    // No folded lines, no space before the colon: both are refused by RFC 9112 as smuggling vectors.
    if (colon <= 0 || !HEADER_NAME.test(name)) throw malformed(`the header line "${line.slice(0, 80)}"`);
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return { statusCode: Number(status[1]), statusMessage: status.at(2) ?? "", headers };
}

/** How the body of a response to a GET is delimited; a length that is not one number is refused. */
export function framingOf(head: ResponseHead): Framing {
  const coding = head.headers["transfer-encoding"];
  if (coding !== undefined) return /(?:^|,)\s*chunked\s*$/i.test(coding) ? { kind: "chunked" } : { kind: "close" };
  const length = head.headers["content-length"];
  if (length === undefined) return { kind: "close" };
  const values = new Set(length.split(",").map((value) => value.trim()));
  const [only] = values;
  if (values.size !== 1 || !/^\d{1,16}$/.test(only)) throw malformed(`Content-Length "${length.slice(0, 40)}"`);
  return { kind: "length", length: Number(only) };
}
