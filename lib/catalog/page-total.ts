/**
 * How many images a list holds, counted only while counting is cheap. An exact COUNT(*) reads every matching
 * row: at a million images that is most of a second on PostgreSQL, for a figure nobody pages through
 * (docs/decisions.md, "The catalog at a million images"). The count stops after COUNT_CAP rows, on both
 * databases alike; past it the list says "10,000+" and the pager knows the pages it has seen.
 */
export const COUNT_CAP = 10_000;

export interface PageTotal {
  /** The number of matching images when `totalExact`; otherwise a lower bound (COUNT_CAP, or more on a deep page). */
  total: number;
  totalExact: boolean;
  /** The number of pages when `totalExact`; otherwise those known to exist, the next one included when there is one. */
  pageCount: number;
}

export interface PageCounts {
  /** COUNT(*) of the matching rows, stopped at COUNT_CAP + 1. */
  counted: number;
  page: number;
  pageSize: number;
  /** Rows on this page. */
  shown: number;
  /** Whether a row follows this page (the page query reads one row more than it shows). */
  more: boolean;
}

export function pageTotal({ counted, page, pageSize, shown, more }: PageCounts): PageTotal {
  if (counted <= COUNT_CAP) return { total: counted, totalExact: true, pageCount: Math.max(1, Math.ceil(counted / pageSize)) };
  // A page past the cap has seen further than the count went.
  const total = Math.max(COUNT_CAP, shown > 0 ? (page - 1) * pageSize + shown : 0);
  return { total, totalExact: false, pageCount: Math.max(Math.ceil(total / pageSize), more ? page + 1 : page) };
}
