import { InspectError, type InspectErrorCode } from "../errors";

/** The names of the `{placeholders}` of a message template. */
type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;
type Call<S extends string> = [Placeholders<S>] extends [never] ? () => InspectError : (values: Record<Placeholders<S>, string | number>) => InspectError;

/** Why a reader stops: the kind of InspectError, and the message with `{name}` placeholders. */
export interface ErrorSpec {
  kind: InspectErrorCode;
  message: string;
}

/** One row of a reader's error table: its stable code (`<subject>.<reason>`), kind and message template. */
export interface ErrorRow {
  code: string;
  kind: InspectErrorCode;
  message: string;
}

export type ErrorTable<T extends Record<string, ErrorSpec>> = { readonly [K in keyof T]: Call<T[K]["message"]> } & { readonly rows: readonly ErrorRow[] };

function fill(template: string, values: Readonly<Partial<Record<string, string | number>>>): string {
  return template.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for {${name}} in "${template}"`);
    return String(value);
  });
}

/**
 * The errors a reader can raise, one stable code each (`<subject>.<reason>`), their messages in
 * one table instead of in the parsers:
 *
 *   const NTFS = defineErrors("ntfs", "NTFS", { record_not_in_use: { kind: "corrupt", message: "MFT record {record} is not in use." } });
 *   throw NTFS.record_not_in_use({ record });
 *
 * The InspectError's message starts with `label`, and carries the code as its reason.
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(subject: string, label: string, specs: T): ErrorTable<T> {
  const rows = Object.entries(specs).map(([reason, spec]) => ({ code: `${subject}.${reason}`, kind: spec.kind, message: spec.message }));
  const table: Record<string, unknown> = { rows };
  for (const row of rows) {
    table[row.code.slice(subject.length + 1)] = (values: Record<string, string | number> = {}) =>
      new InspectError(row.kind, `${label}: ${fill(row.message, values)}`, row.code);
  }
  return table as ErrorTable<T>;
}
