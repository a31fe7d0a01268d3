import type { Check, CheckStatus } from "../../report";

/**
 * Outcome tables for the Windows checks: every outcome a check can report has a stable code
 * (`windows.<reason>`) and its message and fix templates (`{name}` placeholders) beside it, not
 * in the code that decides. The shape follows docs/checks.md (defineOutcomes).
 */
type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;
type Values<S extends string> = Record<Placeholders<S>, string | number>;

export interface OutcomeSpec {
  status: CheckStatus;
  message: string;
  fix?: string;
}

/** What the caller adds: the evidence, and a fix that depends on the guest (it wins over the table's). */
export interface Evidence {
  path?: string | null;
  fix?: string | null;
}

/** A check's result before its id is attached. */
export type WindowsOutcome = Omit<Check, "id"> & { code: string };

type Templates<S extends OutcomeSpec> = S["message"] | (S["fix"] extends string ? S["fix"] : never);
type Call<S extends string> = [Placeholders<S>] extends [never]
  ? (values?: Record<string, never>, extra?: Evidence) => WindowsOutcome
  : (values: Values<S>, extra?: Evidence) => WindowsOutcome;

export type OutcomeTable<T extends Record<string, OutcomeSpec>> = { readonly [K in keyof T]: Call<Templates<T[K]>> } & {
  readonly rows: readonly { code: string; check: string; status: CheckStatus; message: string; fix?: string }[];
};

export function fill(template: string, values: Readonly<Partial<Record<string, string | number>>> = {}): string {
  return template.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for {${name}} in "${template}"`);
    return String(value);
  });
}

/** The outcomes of one check; each key is the whole code ("windows.viostor_missing"). */
export function defineOutcomes<const T extends Record<string, OutcomeSpec>>(check: string, specs: T): OutcomeTable<T> {
  const rows = Object.entries(specs).map(([code, spec]) => ({ code, check, ...spec }));
  const table: Record<string, unknown> = { rows };
  for (const [code, spec] of Object.entries(specs)) {
    table[code] = (values: Record<string, string | number> = {}, extra: Evidence = {}): WindowsOutcome => {
      const fix = extra.fix ?? (spec.fix ? fill(spec.fix, values) : null);
      return { code, status: spec.status, message: fill(spec.message, values), ...(extra.path ? { path: extra.path } : {}), ...(fix ? { fix } : {}) };
    };
  }
  return table as OutcomeTable<T>;
}
