import { describe, expect, it } from "vitest";
import { nextLink, parseListQuery } from "./list";

const parse = (query: string) => parseListQuery(new URLSearchParams(query));

describe("a Glance list query", () => {
  it("sorts by created_at, newest first, by default, with the id to break ties; 25 to a page", () => {
    expect(parse("")).toMatchObject({
      ok: true,
      value: {
        order: [
          { key: "created_at", dir: "desc" },
          { key: "id", dir: "desc" },
        ],
        limit: 25,
        marker: null,
        deprecated: false,
      },
    });
  });

  it("reads sort= and sort_key/sort_dir, but not both", () => {
    expect(parse("sort=name:asc,size")).toMatchObject({
      ok: true,
      value: {
        order: [
          { key: "name", dir: "asc" },
          { key: "size", dir: "asc" },
          { key: "id", dir: "asc" },
        ],
      },
    });
    expect(parse("sort_key=name&sort_key=created_at&sort_dir=asc")).toMatchObject({
      ok: true,
      value: {
        order: [
          { key: "name", dir: "asc" },
          { key: "created_at", dir: "asc" },
          { key: "id", dir: "asc" },
        ],
      },
    });
    expect(parse("sort=name&sort_key=size")).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(parse("sort=owner:asc")).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(parse("sort=name:up")).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(parse("sort_key=name&sort_key=size&sort_dir=asc&sort_dir=desc&sort_dir=asc")).toMatchObject({ ok: false });
  });

  it("reads Python's booleans, caps the limit at 1000, and refuses a filter Hangar has not, by name", () => {
    expect(parse("os_hidden=True")).toMatchObject({ ok: true, value: { deprecated: true } });
    expect(parse("os_hidden=False")).toMatchObject({ ok: true, value: { deprecated: false } });
    expect(parse("os_hidden=maybe")).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(parse("limit=5000")).toMatchObject({ ok: true, value: { limit: 1000 } });
    expect(parse("limit=0x10")).toMatchObject({ ok: false, error: { code: "invalid" } });
    // member_status was refused here before Hangar had members (lib/glance/members.ts); owner is still a filter it has not.
    const unknown = parse("owner=someone");
    expect(unknown).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(!unknown.ok && unknown.error.message).toContain("owner");
  });

  it("reads member_status: the images shared with the caller by shares in that state, accepted unless asked, any for all", () => {
    expect(parse("")).toMatchObject({ ok: true, value: { shareStatuses: ["accepted"] } });
    expect(parse("member_status=pending")).toMatchObject({ ok: true, value: { shareStatuses: ["pending"] } });
    expect(parse("member_status=rejected")).toMatchObject({ ok: true, value: { shareStatuses: ["rejected"] } });
    expect(parse("member_status=all")).toMatchObject({ ok: true, value: { shareStatuses: ["pending", "accepted", "rejected"] } });
    expect(parse("member_status=maybe")).toMatchObject({
      ok: false,
      error: { code: "invalid", message: "member_status is accepted, pending, rejected or all." },
    });
  });

  it("filters by name, visibility, every tag given, status and mapped properties", () => {
    const parsed = parse("name=debian-12&visibility=public&tag=a&tag=b&status=active&os_distro=debian");
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        where: {
          AND: [
            { name: "debian-12" },
            { visibility: "platform" },
            { tags: { some: { tag: "a" } } },
            { tags: { some: { tag: "b" } } },
            { status: { in: ["ready", "deprecated"] } },
            { osDistro: "debian" },
          ],
        },
      },
    });
  });

  it("links the next page relative to the root, keeping the query", () => {
    expect(nextLink(new URLSearchParams("limit=2&marker=old&tag=a"), "cnext")).toBe("/v2/images?limit=2&marker=cnext&tag=a");
  });
});
