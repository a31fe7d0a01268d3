import { z } from "zod";

/**
 * How versions of a family are ordered: Debian's version comparison (dpkg's verrevcmp, without epoch and revision),
 * so that what people write as versions sorts as they expect. A version is read as alternating runs of non-digits
 * and digits. Digit runs compare as numbers (`1.10` > `1.9`, `007` = `7`, an absent run counts as 0); non-digit runs
 * compare character by character where `~` sorts before anything, even the end (`1.0~rc1` < `1.0`), the end before
 * letters, letters (by code point, so uppercase first) before every other character (`1.0a` < `1.0+b`).
 * Two versions that compare equal (`1.0` and `1.00`) are the same version: a family holds only one of them.
 */
export function compareVersions(a: string, b: string): number {
  const left = tokens(a);
  const right = tokens(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const [textA, numberA] = left[i] ?? ["", 0n];
    const [textB, numberB] = right[i] ?? ["", 0n];
    const text = compareText(textA, textB);
    if (text !== 0) return text;
    if (numberA !== numberB) return numberA < numberB ? -1 : 1;
  }
  return 0;
}

/** One text form per class of equal versions (leading zeros and trailing zero runs dropped): what uniqueness is checked on. */
export function versionKey(version: string): string {
  const pairs = tokens(version);
  while (pairs.length > 0 && pairs.at(-1)?.[0] === "" && pairs.at(-1)?.[1] === 0n) pairs.pop();
  return pairs.map(([text, number]) => `${text}${number}`).join("");
}

/** Newest first: the order of a family's version history. */
export const newestFirst = <T extends { version: string | null }>(a: T, b: T) => compareVersions(b.version ?? "", a.version ?? "");

type Token = [text: string, number: bigint];

function tokens(version: string): Token[] {
  const result: Token[] = [];
  for (const [, text = "", digits = ""] of version.matchAll(/(\D*)(\d*)/g)) {
    if (text === "" && digits === "") continue;
    result.push([text, digits === "" ? 0n : BigInt(digits)]);
  }
  return result;
}

function weight(text: string, index: number): number {
  if (index >= text.length) return 0;
  const code = text.charCodeAt(index);
  if (text[index] === "~") return -1;
  return /[A-Za-z]/.test(text[index] ?? "") ? code : code + 256;
}

function compareText(a: string, b: string): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = weight(a, i) - weight(b, i);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

const VERSION_MESSAGE = "A version is 1 to 64 letters, digits and . + ~ _ -, starting with a letter or digit (such as 2026.12.06 or 1.4.2).";
const FAMILY_MESSAGE = "A family name is 1 to 63 lowercase letters, digits and . _ -, starting with a letter or digit (such as debian-12-golden).";

export const versionSchema = z
  .string({ error: VERSION_MESSAGE })
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9.+~_-]{0,63}$/, VERSION_MESSAGE)
  // FAMILY@latest must always mean the newest version.
  .refine((version) => version.toLowerCase() !== "latest", '"latest" is not a version: FAMILY@latest names the newest one.');
export const familySchema = z
  .string({ error: FAMILY_MESSAGE })
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, FAMILY_MESSAGE);
