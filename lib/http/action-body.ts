import { malformedTextPath, notTextMessage } from "../text/well-formed";

/** Next's own limit on a server action's body, which it enforces only by failing with a 500. */
export const MAX_ACTION_BODY = 1024 * 1024;

export interface ActionRefusal {
  status: 400 | 413;
  message: string;
}

// Next's server action ids: 42 hexadecimal digits (its server-reference-info.js).
const ACTION_ID = /^[0-9a-f]{42}$/;

// What a string argument may start with in React's reply format when the body is one JSON text:
// "$$" escapes a "$", the others are undefined, NaN, the infinities, -0, dates and bigints. Every other
// "$" reference names a part of a multipart body that a plain body does not have, and React fails on it.
const INLINE_REFERENCE = /^\$(?:\$|u$|N$|I$|-I$|-0$|D|n-?\d+$)/;

function strayReference(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.startsWith("$") && !INLINE_REFERENCE.test(value);
  if (typeof value !== "object" || value === null || depth > 32) return false;
  return Object.values(value).some((item) => strayReference(item, depth + 1));
}

/** A row of React's reply: JSON whose strings are all text. */
function parseRow(text: string, what: string): { value: unknown } | { refusal: ActionRefusal } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { refusal: { status: 400, message: `The server action's ${what} is not valid JSON.` } };
  }
  const malformed = malformedTextPath(value);
  return malformed === null ? { value } : { refusal: { status: 400, message: notTextMessage(malformed) } };
}

async function multipartRefusal(contentType: string, body: ArrayBuffer): Promise<ActionRefusal | null> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  } catch {
    return { status: 400, message: "The server action's body is not valid multipart/form-data." };
  }
  // React puts its rows in fields named by number, each one JSON text; other fields are form values.
  for (const [name, value] of form) {
    if (typeof value !== "string" || !/^\d+$/.test(name)) continue;
    const row = parseRow(value, `field ${name}`);
    if ("refusal" in row) return row.refusal;
  }
  return null;
}

/**
 * Why Next would fail on a server action request with a 500 instead of answering it, or null: an id
 * that is not one, a body over Next's limit, a body that is not the JSON or multipart React sends, a
 * lone surrogate (Prisma fails on it), or a reference to a part the body does not have. Read in
 * proxy.ts, which Next hands a copy of the body.
 */
export async function actionRefusal(actionId: string, contentType: string, body: ArrayBuffer): Promise<ActionRefusal | null> {
  if (!ACTION_ID.test(actionId)) return { status: 400, message: "The Next-Action header does not name a server action." };
  if (body.byteLength > MAX_ACTION_BODY) return { status: 413, message: `A server action's body is at most ${MAX_ACTION_BODY / 1024} KiB.` };
  if (/^multipart\/form-data/i.test(contentType)) return multipartRefusal(contentType, body);
  // Forms posted without JavaScript: Next decodes them itself.
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) return null;
  const row = parseRow(new TextDecoder().decode(body), "body");
  if ("refusal" in row) return row.refusal;
  const args = row.value;
  if (!Array.isArray(args)) return { status: 400, message: "A server action's body is the list of its arguments." };
  if (strayReference(args)) return { status: 400, message: "The server action's arguments refer to parts the body does not have." };
  return null;
}
