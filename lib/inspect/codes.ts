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
export type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** A table entry's call: the template's values (none when it has no placeholder), then the evidence. */
export type Call<S extends string, Result> = [Placeholders<S>] extends [never]
  ? (values?: Record<string, never>, extra?: Evidence) => Result
  : (values: Record<Placeholders<S>, string | number>, extra?: Evidence) => Result;

/**
 * A message or fix: one string, or sentences joined by spaces (so a table keeps
 * 160 columns and the types still see every placeholder, which `+` would hide).
 */
export type Template = string | readonly string[];

const textOf = (template: Template) => (typeof template === "string" ? template : template.join(" "));

type Pieces<T> = T extends readonly string[] ? T[number] : T extends string ? T : never;

/** The templates of a spec, its message and its fix. */
export type Templates<S extends { message: Template; fix?: Template }> = Pieces<S["message"]> | Pieces<S["fix"]>;

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
export type Outcome = Omit<Check, "id">;

/** What the caller adds to a table's outcome: the evidence, and a fix that depends on the guest or the file. */
export interface Evidence {
  path?: string | null;
  fix?: string | null;
}

/** An outcome's template: its status, its message and, when it never varies in shape, its fix. */
export interface OutcomeSpec {
  status: CheckStatus;
  message: Template;
  fix?: Template;
}

/** A table: one call per entry, giving `R`, and the rows for the docs. */
export type TableOf<T extends Record<string, OutcomeSpec>, R> = { readonly [K in keyof T]: Call<Templates<T[K]>, R> } & CodeTable;

export type OutcomeTable<T extends Record<string, OutcomeSpec>> = TableOf<T, Outcome>;

/** A key is the reason (the subject comes from the table) or, with a dot, the whole code. */
const codeOf = (subject: string, key: string) => (key.includes(".") ? key : `${subject}.${key}`);

/** The outcome of `spec` with its values filled in; a fix from the evidence wins over the table's. */
function outcomeOf<S extends OutcomeSpec>(code: string, spec: S, values: Readonly<Record<string, string | number>>, extra: Evidence) {
  const fix = extra.fix ?? (spec.fix ? fill(textOf(spec.fix), values) : null);
  return {
    code,
    status: spec.status as S["status"],
    message: fill(textOf(spec.message), values),
    ...(extra.path ? { path: extra.path } : {}),
    ...(fix ? { fix } : {}),
  };
}

/**
 * A table of `specs`: one call per key, giving what `make` builds from the
 * filled-in outcome, and the rows for the docs. Every code must follow the
 * convention; a table that breaks it fails as soon as it is loaded.
 */
export function codeTable<S extends OutcomeSpec, T extends Record<string, S>, R>(
  subject: string,
  specs: T,
  checkOf: (spec: S) => string,
  make: (outcome: ReturnType<typeof outcomeOf<S>>, spec: S) => R,
): TableOf<T, R> {
  const calls: Record<string, (values?: Readonly<Record<string, string | number>>, extra?: Evidence) => R> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const code = codeOf(subject, key);
    calls[key] = (values = {}, extra = {}) => make(outcomeOf(code, spec, values, extra), spec);
  }
  // The calls are built from the keys at run time; their typed signatures come from the templates.
  return Object.assign(calls, { [ROWS]: codeRows(subject, specs, checkOf) }) as unknown as TableOf<T, R>;
}

/** The rows of a table's specs, each code checked against the convention as the table loads. */
export function codeRows<S extends OutcomeSpec>(subject: string, specs: Record<string, S>, checkOf: (spec: S) => string): CodeRow[] {
  return Object.entries(specs).map(([key, spec]) => {
    const code = codeOf(subject, key);
    if (!CODE_PATTERN.test(code)) throw new Error(`"${code}" is not a code (docs/checks.md)`);
    return { code, check: checkOf(spec), status: spec.status, message: textOf(spec.message), ...(spec.fix ? { fix: textOf(spec.fix) } : {}) };
  });
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
  return codeTable(
    check.split(".")[0],
    specs,
    () => check,
    (outcome): Outcome => outcome,
  );
}

/** Several tables as one list of rows, in order. */
export const rowsOfTables = (tables: readonly CodeTable[]): CodeRow[] => tables.flatMap((table) => table[ROWS]);
