/**
 * How many images a list holds, counted only while counting is cheap. An exact COUNT(*) reads every matching
 * row: at a million images that is most of a second on PostgreSQL, for a figure nobody pages through
 * (docs/decisions.md, "The catalog at a million images"). The count stops after COUNT_CAP rows, on both
 * databases alike; past it the list says "10,000+" and the pager knows the pages it has seen.
 */
export const COUNT_CAP = 10_000;

/**
 * How many ids the page query reads from the page's first row on. A list that ends within them needs no count:
 * a search's count is a second trigram scan as long as the page's own (docs/decisions.md, "The catalog's search
 * and page under 50 ms"). Larger than any page (schemas.ts: at most 100 rows), small to read and carry.
 */
export const COUNT_WINDOW = 1_000;

export interface PageTotal {
  /** The number of matching images when `totalExact`; otherwise a lower bound (COUNT_CAP, or more on a deep page). */
  total: number;
  totalExact: boolean;
  /** The number of pages when `totalExact`; otherwise those known to exist, the next one included when there is one. */
  pageCount: number;
}

export interface PageCounts {
  page: number;
  pageSize: number;
  /** Rows the page query read from the page's first row on: at most its window (COUNT_WINDOW, or a page and one more row). */
  read: number;
  /** COUNT(*) of the matching rows, stopped at COUNT_CAP + 1; null when `read` shows where the list ends. */
  counted: number | null;
}

/**
 * Whether the list's end is out of the page query's sight: it read a full window (`window` rows from the page's first,
 * COUNT_WINDOW unless it read less), or nothing past page 1 (where does it end?).
 */
export function needsCount({ page, read }: Pick<PageCounts, "page" | "read">, window = COUNT_WINDOW): boolean {
  return read >= window || (read === 0 && page > 1);
}

export function pageTotal({ counted, page, pageSize, read }: PageCounts): PageTotal {
  const seen = (page - 1) * pageSize + read;
  if (counted === null) return { total: seen, totalExact: true, pageCount: Math.max(1, Math.ceil(seen / pageSize)) };
  if (counted <= COUNT_CAP) return { total: counted, totalExact: true, pageCount: Math.max(1, Math.ceil(counted / pageSize)) };
  // A page past the cap has seen further than the count went.
  const total = Math.max(COUNT_CAP, read > 0 ? seen : 0);
  return { total, totalExact: false, pageCount: Math.max(Math.ceil(total / pageSize), read > pageSize ? page + 1 : page) };
}
