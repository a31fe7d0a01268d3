import { damaged, type Finding } from "../findings";

/** How to say a problem once and many times: "An L2 entry points ..." / "{n} L2 entries point ...". */
export interface ProblemKind {
  one: string;
  many: string;
  fix?: string;
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
    return [...this.problems].map(([kind, { count, example }]) =>
      damaged(count === 1 ? `${kind.one}: ${example}.` : `${kind.many.replace("{n}", count.toLocaleString("en-US"))} (the first: ${example}).`, kind.fix),
    );
  }
}
