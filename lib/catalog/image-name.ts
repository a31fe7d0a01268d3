import { z } from "zod";
import { codePointLabel, forbiddenCharacter, withoutForbiddenCharacters } from "../text/forbidden-characters";
import type { Visibility } from "./image";

// Scripts whose letters look like each other's (Latin "a", Cyrillic "а", Greek "α"...): a name may use
// letters of one of them, never two, so "Dеbian" with a Cyrillic "е" cannot pass for "Debian".
const LOOKALIKE_SCRIPTS = ["Latin", "Greek", "Cyrillic", "Armenian", "Cherokee"].map((script) => ({
  script,
  letter: new RegExp(`\\p{Script=${script}}`, "u"),
}));

function mixedScripts(name: string): string | null {
  const found = LOOKALIKE_SCRIPTS.filter(({ letter }) => letter.test(name));
  if (found.length < 2) return null;
  const [first, second] = found as [(typeof found)[0], (typeof found)[0]];
  const stray = second.letter.exec(name)?.[0] ?? "";
  return `Names cannot mix ${first.script} and ${second.script} letters, which can look the same: "${stray}" (${codePointLabel(stray)}) is ${second.script}.`;
}

/** Why a name would show as something else than it is, or null; `what` and `fix` word it for file names. */
export function invisibleCharacterReason(name: string, what = "Names", fix = "Type the name again without it."): string | null {
  const forbidden = forbiddenCharacter(name);
  return forbidden ? `${what} cannot contain ${forbidden}. ${fix}` : null;
}

/**
 * An image name as people type it: trimmed, in NFC (so that "é" typed either way is one name), and
 * refused with a message when it holds a character that would make it display as something else.
 */
export const imageNameSchema = z
  .string({ error: "Give the image a name." })
  .trim()
  .overwrite((name) => name.normalize("NFC"))
  .min(1, "Give the image a name.")
  .max(255, "Names are at most 255 characters.")
  .superRefine((name, context) => {
    const reason = invisibleCharacterReason(name) ?? mixedScripts(name);
    if (reason) context.addIssue({ code: "custom", message: reason });
  });

// Dashes that look like "-" (hyphen, non-breaking hyphen, figure dash, en dash, minus sign, small and
// fullwidth hyphen-minus after NFKC).
const DASHES = /[\u2010-\u2013\u2212\uFE58\uFE63]/gu;
// SQL LIKE treats % and _ as wildcards and PostgreSQL takes \ as its escape: in keys they become
// private-use characters (which names cannot contain), so a search pattern never holds any of the three.
const LIKE_SPECIAL: Record<string, string> = { "\\": "\uE05C", "%": "\uE025", _: "\uE05F" };

/**
 * What a name is compared and searched by: NFKC (fullwidth letters, ligatures and other compatibility
 * forms become their plain letters), case-folded (upper- then lower-casing folds "ß" to "ss" and "ς"
 * to "σ", as Unicode's full case folding does), runs of white space as one space (HTML shows them as
 * one), and dashes as "-". Two names with one key look the same in the portal, so they collide on the
 * unique index (nameScope, nameKey). The folding happens here, not in SQL, so that it is the same on
 * every database.
 */
export function nameKey(name: string): string {
  return name
    .normalize("NFKC")
    .toUpperCase()
    .toLowerCase()
    .normalize("NFKC")
    .replace(/\s+/gu, " ")
    .trim()
    .replace(DASHES, "-")
    .replace(/[\\%_]/g, (character) => LIKE_SPECIAL[character] ?? character);
}

/** The part of a key a search looks for: what the user typed, folded like names, without characters no name holds. */
export const searchKey = (query: string) => nameKey(withoutForbiddenCharacters(query));

/** Among which images a name must be unique: the whole platform catalog, or one project's images. */
export const nameScope = (visibility: Visibility, projectId: string | null) => (visibility === "platform" || projectId === null ? "platform" : projectId);

/** The columns that store a name: the name itself, its key and its scope. */
export const nameColumns = (name: string, visibility: Visibility, projectId: string | null) => ({
  name,
  nameKey: nameKey(name),
  nameScope: nameScope(visibility, projectId),
});
