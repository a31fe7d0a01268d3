import { listQuerySchema, type ListQuery } from "@/lib/catalog/schemas";

export type SearchParams = Record<string, string | string[] | undefined>;

const KEYS = ["q", "sort", "dir", "page", "deprecated"] as const;

/** The state of one list from the URL: each list reads and writes its own `prefix.key` parameters. */
export function readListQuery(params: SearchParams, prefix: string): ListQuery {
  const raw = Object.fromEntries(KEYS.map((key) => [key, first(params[`${prefix}.${key}`])]));
  return listQuerySchema.parse(raw);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A link to the same page with this list's parameters changed and the other lists' left as they are. */
export function listHref(path: string, params: SearchParams, prefix: string, changes: Partial<Record<(typeof KEYS)[number], string | null>>): string {
  const next = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    const text = first(value);
    if (text !== undefined) next.set(key, text);
  }
  // By key, not Object.entries: a key present as undefined is in the type only this way.
  for (const key of Object.keys(changes) as (typeof KEYS)[number][]) {
    const value = changes[key];
    if (value === null || value === undefined || value === "") next.delete(`${prefix}.${key}`);
    else next.set(`${prefix}.${key}`, value);
  }
  const query = next.toString();
  return query ? `${path}?${query}` : path;
}
