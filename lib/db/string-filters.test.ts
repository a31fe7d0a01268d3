import { describe, expect, it } from "vitest";
import { likeOnSqlite } from "./string-filters";

describe("likeOnSqlite", () => {
  it("makes every LIKE filter under a where case-insensitive with literal backslashes, however deep", () => {
    const when = new Date("2030-01-01T00:00:00Z");
    expect(
      likeOnSqlite({
        where: {
          name: { contains: "a\\b" },
          AND: [{ osDistro: { startsWith: "Deb" } }, { NOT: { name: { endsWith: "x", mode: "default" } } }],
          updatedAt: { gt: when },
        },
        include: { owner: { select: { images: { where: { name: { contains: "q" } } } } } },
        orderBy: { name: "asc" },
      }),
    ).toEqual({
      where: {
        name: { contains: "a\\\\b", mode: "insensitive" },
        AND: [{ osDistro: { startsWith: "Deb", mode: "insensitive" } }, { NOT: { name: { endsWith: "x", mode: "default" } } }],
        updatedAt: { gt: when },
      },
      include: { owner: { select: { images: { where: { name: { contains: "q", mode: "insensitive" } } } } } },
      orderBy: { name: "asc" },
    });
  });

  it("leaves data alone, and values such as dates and bytes as they are", () => {
    const bytes = Buffer.from("contains");
    const args = { data: { name: "x", contains: "y", blob: bytes }, where: { id: "1" } };
    const rewritten = likeOnSqlite(args);
    expect(rewritten).toEqual(args);
    expect(rewritten.data.blob).toBe(bytes);
  });
});
