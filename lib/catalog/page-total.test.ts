import { describe, expect, it } from "vitest";
import { COUNT_CAP, COUNT_WINDOW, needsCount, pageTotal } from "./page-total";

// The pager's arithmetic; lib/api/catalog-count.test.ts runs it on both databases through the production server.
describe("a list's total, from the ids the page query read or from the capped count", () => {
  it("counts only when the page query cannot see where the list ends", () => {
    expect(needsCount({ page: 1, read: 0 })).toBe(false);
    expect(needsCount({ page: 1, read: 21 })).toBe(false);
    expect(needsCount({ page: 3, read: COUNT_WINDOW - 1 })).toBe(false);
    expect(needsCount({ page: 1, read: COUNT_WINDOW })).toBe(true);
    // Nothing on a later page: past the end, and how far it is only the count says.
    expect(needsCount({ page: 2, read: 0 })).toBe(true);
    // A plain list reads its page and one more row: that row says the list goes on, and only then is it counted.
    expect(needsCount({ page: 1, read: 21 }, 21)).toBe(true);
    expect(needsCount({ page: 1, read: 20 }, 21)).toBe(false);
    expect(needsCount({ page: 4, read: 0 }, 21)).toBe(true);
    expect(pageTotal({ page: 4, pageSize: 20, read: 20, counted: null })).toEqual({ total: 80, totalExact: true, pageCount: 4 });
  });

  it("takes the total of a list that ends within the window from the page, exact past the cap too", () => {
    expect(pageTotal({ page: 1, pageSize: 20, read: 0, counted: null })).toEqual({ total: 0, totalExact: true, pageCount: 1 });
    expect(pageTotal({ page: 1, pageSize: 20, read: 1, counted: null })).toEqual({ total: 1, totalExact: true, pageCount: 1 });
    expect(pageTotal({ page: 1, pageSize: 20, read: 100, counted: null })).toEqual({ total: 100, totalExact: true, pageCount: 5 });
    expect(pageTotal({ page: 600, pageSize: 20, read: 5, counted: null })).toEqual({ total: 11_985, totalExact: true, pageCount: 600 });
  });

  it("gives a count under the cap as it is, and past it a lower bound with the pages known to exist", () => {
    expect(pageTotal({ page: 2, pageSize: 20, read: 0, counted: 25 })).toEqual({ total: 25, totalExact: true, pageCount: 2 });
    expect(pageTotal({ page: 1, pageSize: 20, read: COUNT_WINDOW, counted: COUNT_CAP + 1 })).toEqual({
      total: COUNT_CAP,
      totalExact: false,
      pageCount: COUNT_CAP / 20,
    });
    // A deep page has read further than the count went, and knows a next page follows.
    expect(pageTotal({ page: 600, pageSize: 20, read: COUNT_WINDOW, counted: COUNT_CAP + 1 })).toEqual({
      total: 599 * 20 + COUNT_WINDOW,
      totalExact: false,
      pageCount: Math.ceil((599 * 20 + COUNT_WINDOW) / 20),
    });
  });
});
