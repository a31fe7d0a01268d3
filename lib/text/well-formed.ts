// JSON may carry "\ud800": a UTF-16 surrogate without its pair, which no encoding can store. Prisma
// refuses it with an internal error, so it is refused where input arrives, with a message.
const LONE_SURROGATE = /\p{Cs}/u;

export const isWellFormedText = (text: string) => !LONE_SURROGATE.test(text);

export const NOT_TEXT_MESSAGE = "contains a lone UTF-16 surrogate (such as \\ud800), which is not text";

// Deeper than any input Hangar takes: the schemas refuse such values anyway, so the walk stops there.
const MAX_DEPTH = 32;

/**
 * Where in a parsed JSON value a string (or an object key) holds a lone surrogate: the path of field
 * names ("properties.os" or "0.name"), "" for the value itself, or null when every string is text.
 */
export function malformedTextPath(value: unknown, path: string[] = []): string | null {
  if (typeof value === "string") return isWellFormedText(value) ? null : path.join(".");
  if (typeof value !== "object" || value === null) return null;
  if (path.length >= MAX_DEPTH) return null;
  for (const [key, item] of Object.entries(value)) {
    if (!isWellFormedText(key)) return [...path, "(a key)"].join(".");
    const found = malformedTextPath(item, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}

/** The message for a value malformedTextPath found, naming the field. */
export const notTextMessage = (path: string) => (path ? `The field "${path}" ${NOT_TEXT_MESSAGE}.` : `The input ${NOT_TEXT_MESSAGE}.`);
