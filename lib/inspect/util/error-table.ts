import { CODE_PATTERN, fill, type Placeholders } from "../codes";
import { InspectError, type InspectErrorCode } from "../errors";

type Call<S extends string> = [Placeholders<S>] extends [never] ? () => InspectError : (values: Record<Placeholders<S>, string | number>) => InspectError;

/** Why a reader stops: the kind of InspectError, and the message with `{name}` placeholders. */
export interface ErrorSpec {
  kind: InspectErrorCode;
  message: string;
}

export type ErrorTable<T extends Record<string, ErrorSpec>> = { readonly [K in keyof T]: Call<T[K]["message"]> };

/**
 * The errors a reader can raise, one stable reason each (`<subject>.<reason>`, as check codes are
 * written), their messages in one table instead of in the parsers:
 *
 *   const NTFS = defineErrors("ntfs", "NTFS", { record_not_in_use: { kind: "corrupt", message: "MFT record {record} is not in use." } });
 *   throw NTFS.record_not_in_use({ record });
 *
 * Not a check's outcome table (lib/inspect/codes.ts): these are thrown, not reported, and the check
 * that meets one reports guest.unreadable with the message. The InspectError's message starts
 * with `label`, and carries the reason in `reason`.
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(subject: string, label: string, specs: T): ErrorTable<T> {
  const table: Record<string, (values?: Record<string, string | number>) => InspectError> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const reason = `${subject}.${key}`;
    if (!CODE_PATTERN.test(reason)) throw new Error(`"${reason}" is not a code (docs/checks.md)`);
    table[key] = (values = {}) => new InspectError(spec.kind, `${label}: ${fill(spec.message, values)}`, reason);
  }
  // The calls are built from the keys at run time; their typed signatures come from the templates.
  return table as unknown as ErrorTable<T>;
}
