import type { Check, CheckStatus } from "./report";

/**
 * Stable codes: every outcome the inspector can report has one, and its
 * message (and fix, when it is always the same) lives beside it in a table,
 * not in the code that decides. docs/checks.md states the convention and
 * lists every code; lib/inspect/code-tables.test.ts keeps that list complete.
 *
 * A code is `<subject>.<reason>`: lowercase, one dot, snake_case on each side
 * ("qcow2.backing_file", "cloudinit.not_installed"). One code, one outcome:
 * a code never changes meaning, and a new outcome gets a new code.
 */
export const CODE_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** The names of the `{placeholders}` of a message template. */
type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;
type Values<S extends string> = Record<Placeholders<S>, string | number>;

/** A table entry's call: the template's values (none when it has no placeholder), then the evidence. */
type Call<S extends string, Extra, Result> = [Placeholders<S>] extends [never]
  ? (values?: Record<string, never>, extra?: Extra) => Result
  : (values: Values<S>, extra?: Extra) => Result;

/** Fills `{name}` placeholders; a placeholder without a value is a programming error. */
export function fill(template: string, values: Readonly<Partial<Record<string, string | number>>> = {}): string {
  return template.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for {${name}} in "${template}"`);
    return String(value);
  });
}

/** One row of the code list (docs/checks.md): what a code means, under which check, with which status. */
export interface CodeRow {
  code: string;
  /** The check id the code is reported under, or "*" for codes any guest check may report. */
  check: string;
  status: CheckStatus;
  message: string;
  fix?: string;
}

/** Where a table keeps its rows, out of the way of its entries. */
export const ROWS = Symbol("rows");

export interface CodeTable {
  readonly [ROWS]: readonly CodeRow[];
}

/** A check's result before its id is attached. */
export type Outcome = Omit<Check, "id" | "code"> & { code: string };

/** What the caller adds to a table's outcome: the evidence, and a fix that depends on the guest or the file. */
export interface Evidence {
  path?: string | null;
  fix?: string | null;
}

/** An outcome's template: its status, its message and, when it never varies in shape, its fix. */
export interface OutcomeSpec {
  status: CheckStatus;
  message: string;
  fix?: string;
}

type Templates<S extends { message: string; fix?: string }> = S["message"] | (S["fix"] extends string ? S["fix"] : never);

export type OutcomeTable<T extends Record<string, OutcomeSpec>> = { readonly [K in keyof T]: Call<Templates<T[K]>, Evidence, Outcome> } & CodeTable;

/** A key is the reason (the subject comes from the table) or, with a dot, the whole code. */
const codeOf = (subject: string, key: string) => (key.includes(".") ? key : `${subject}.${key}`);

function rowsOf(specs: Record<string, OutcomeSpec>, subject: string, check: (key: string) => string): CodeRow[] {
  return Object.entries(specs).map(([key, spec]) => ({
    code: codeOf(subject, key),
    check: check(key),
    status: spec.status,
    message: spec.message,
    ...(spec.fix ? { fix: spec.fix } : {}),
  }));
}

/** The outcome of `spec` with its values filled in; a fix from the evidence wins over the table's. */
export function outcomeOf(code: string, spec: OutcomeSpec, values: Readonly<Record<string, string | number>> = {}, extra: Evidence = {}): Outcome {
  const fix = extra.fix ?? (spec.fix ? fill(spec.fix, values) : null);
  return {
    code,
    status: spec.status,
    message: fill(spec.message, values),
    ...(extra.path ? { path: extra.path } : {}),
    ...(fix ? { fix } : {}),
  };
}

/**
 * The outcomes of one check. Codes are `<area>.<key>`, the area being the
 * check id's first part ("cloudinit" for "cloudinit.enabled"), unless a key
 * carries its own subject ("qcow2.standalone").
 *
 *   const SAY = defineOutcomes("cloudinit.installed", {
 *     installed: { status: "pass", message: "cloud-init is installed ({program})." },
 *   });
 *   return SAY.installed({ program }, { path: program });
 */
export function defineOutcomes<const T extends Record<string, OutcomeSpec>>(check: string, specs: T): OutcomeTable<T> {
  const subject = check.split(".")[0];
  const table: Record<string, unknown> = { [ROWS]: rowsOf(specs, subject, () => check) };
  for (const [key, spec] of Object.entries(specs)) {
    const code = codeOf(subject, key);
    table[key] = (values?: Record<string, string | number>, extra?: Evidence) => outcomeOf(code, spec, values, extra);
  }
  return table as OutcomeTable<T>;
}

/** Several tables as one list of rows, in order. */
export const rowsOfTables = (tables: readonly CodeTable[]): CodeRow[] => tables.flatMap((table) => table[ROWS]);
