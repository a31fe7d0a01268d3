import { codeRows, ROWS, type CodeTable } from "../codes";
import { AREA_CHECKS, type Finding } from "../findings";

/** How to say a problem once and many times: "An L2 entry points ..." / "{n} L2 entries point ...". */
export interface ProblemKind {
  code: string;
  one: string;
  many: string;
  fix?: string;
}

type KindSpec = Omit<ProblemKind, "code">;

/**
 * The problems a table walk counts, `<subject>.<key>` each: format.integrity
 * failures, reported once per kind with a count and the first example.
 */
export function defineTallies<const T extends Record<string, KindSpec>>(subject: string, specs: T): { readonly [K in keyof T]: ProblemKind } & CodeTable {
  const kinds = Object.entries(specs).map(([key, spec]) => ({
    key,
    spec,
    outcome: { status: "fail" as const, message: `${spec.one}: {example}.`, fix: spec.fix },
  }));
  const rows = codeRows(subject, Object.fromEntries(kinds.map(({ key, outcome }) => [key, outcome])), () => AREA_CHECKS.integrity);
  const table = Object.fromEntries(kinds.map(({ key, spec }, i) => [key, { ...spec, code: rows[i].code }]));
  return Object.assign(table, { [ROWS]: rows }) as { readonly [K in keyof T]: ProblemKind } & CodeTable;
}

/**
 * Counts integrity problems of one kind during a table walk and reports each
 * kind once, with a count and the first example, so a badly damaged image
 * gives a short report rather than a million lines.
 */
export class ProblemTally {
  private readonly problems = new Map<ProblemKind, { count: number; example: string }>();

  add(kind: ProblemKind, example: string): void {
    const problem = this.problems.get(kind);
    if (problem) problem.count++;
    else this.problems.set(kind, { count: 1, example });
  }

  get size(): number {
    return this.problems.size;
  }

  findings(): Finding[] {
    return [...this.problems].map(([kind, { count, example }]) => ({
      area: "integrity",
      status: "fail",
      code: kind.code,
      message: count === 1 ? `${kind.one}: ${example}.` : `${kind.many.replace("{n}", count.toLocaleString("en-US"))} (the first: ${example}).`,
      ...(kind.fix ? { fix: kind.fix } : {}),
    }));
  }
}
