/**
 * Writes the list of every check code into docs/checks.md (below "## Every code"), from the code
 * tables themselves: `npm run docs:checks`. scripts/docs-checks.test.ts fails when the list is stale.
 */
import fs from "node:fs";
import path from "node:path";
import { CONVERSION } from "../lib/catalog/conversion";
import { DECLARED_FORMAT } from "../lib/catalog/declared-format";
import { CHECKSUM, VALIDATION } from "../lib/catalog/validation";
import { IMPORT_FAILED } from "../lib/imports/failed-report";
import { inspectorCodes } from "../lib/inspect/code-tables";
import { rowsOfTables, type CodeRow } from "../lib/inspect/codes";

export const DOC = path.resolve(import.meta.dirname, "../docs/checks.md");
const HEADING = "## Every code";

/** The inspector's codes, then the ones the catalog adds to a stored report. */
export const allCodes = (): CodeRow[] => [...inspectorCodes(), ...rowsOfTables([CHECKSUM, DECLARED_FORMAT, CONVERSION, VALIDATION, IMPORT_FAILED])];

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The list, one table per check in report order. */
export function renderCodeList(rows: CodeRow[]): string {
  const checks = [...new Set(rows.map((row) => row.check))];
  const sections = checks.map((check) => {
    const lines = rows.filter((row) => row.check === check).map((row) => `| \`${row.code}\` | ${row.status} | ${cell(row.message)} |`);
    const title = check === "*" ? "Any guest check" : `\`${check}\``;
    return [`### ${title}`, "", "| code | status | message |", "|---|---|---|", ...lines].join("\n");
  });
  return [
    HEADING,
    "",
    `Generated from the code tables by \`npm run docs:checks\` (${rows.length} codes). \`{name}\` marks what the message fills in.`,
    "",
    sections.join("\n\n"),
    "",
  ].join("\n");
}

/** docs/checks.md with its list replaced by `list`. */
export function withCodeList(doc: string, list: string): string {
  const at = doc.indexOf(HEADING);
  if (at < 0) throw new Error(`${DOC} has no "${HEADING}" section`);
  return `${doc.slice(0, at)}${list}`;
}

if (process.argv[1] === import.meta.filename) {
  fs.writeFileSync(DOC, withCodeList(fs.readFileSync(DOC, "utf8"), renderCodeList(allCodes())));
  console.log(`docs/checks.md: ${allCodes().length} codes`);
}
