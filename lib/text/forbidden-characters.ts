/**
 * Characters a name may not hold, by Unicode general category: each can make a name display as
 * something else than it is, or as nothing. Zero-width spaces and joiners, bidi overrides (U+202E)
 * and the byte order mark are Cf; C1 controls such as U+0085 are Cc.
 */
const FORBIDDEN_CATEGORIES = [
  { pattern: /\p{Cc}/u, what: "a control character" },
  { pattern: /\p{Cf}/u, what: "an invisible formatting character (zero-width, bidirectional override...)" },
  { pattern: /[\p{Zl}\p{Zp}]/u, what: "a line or paragraph separator" },
  { pattern: /\p{Co}/u, what: "a private-use character, which has no agreed appearance" },
  { pattern: /\p{Cs}/u, what: "a lone UTF-16 surrogate, which is not text" },
  { pattern: /\p{Cn}/u, what: "a code point Unicode has not assigned" },
] as const;

const ANY_FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]/u;
const ALL_FORBIDDEN = new RegExp(ANY_FORBIDDEN.source, "gu");

export const codePointLabel = (character: string) => `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

/** The first forbidden character of `text` and what it is ("U+202E, an invisible formatting character..."), or null. */
export function forbiddenCharacter(text: string): string | null {
  const found = ANY_FORBIDDEN.exec(text);
  if (!found) return null;
  const character = found[0];
  const kind = FORBIDDEN_CATEGORIES.find((category) => category.pattern.test(character))?.what ?? "a character that is not allowed";
  return `${codePointLabel(character)}, ${kind}`;
}

/** `text` without its forbidden characters: for search queries, which match names that cannot hold them anyway. */
export const withoutForbiddenCharacters = (text: string) => text.replace(ALL_FORBIDDEN, "");
