import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { Check, GuestInfo, StoredReport } from "../inspect/report";
import { reportSchema, UNCODED } from "./schemas";

describe("the API's report schema", () => {
  it("has the type of the report the catalog stores, field for field (each is assignable to the other)", () => {
    expectTypeOf<z.output<typeof reportSchema>>().toExtend<StoredReport>();
    expectTypeOf<StoredReport>().toExtend<z.output<typeof reportSchema>>();
    // Optional fields pass the above either way: a field the schema lacks would be stripped from every API answer.
    type Output = z.output<typeof reportSchema>;
    expectTypeOf<keyof Output>().toEqualTypeOf<keyof StoredReport>();
    expectTypeOf<keyof Output["checks"][number]>().toEqualTypeOf<keyof Check>();
    expectTypeOf<keyof NonNullable<Output["guest"]>>().toEqualTypeOf<keyof GuestInfo>();
  });

  it("keeps every field of a stored report, and reads a check stored before codes existed as report.uncoded", () => {
    const stored: StoredReport = {
      format: "qcow2",
      virtualSize: 1024,
      fileSize: 512,
      partitionTable: null,
      verdict: "rejected",
      checks: [{ id: "format.safe", code: "qcow2.backing_file", codes: ["qcow2.backing_file", "qcow2.encrypted"], status: "fail", message: "m", fix: "f" }],
      guest: { osType: "linux", distro: "debian", version: "12", prettyName: null, arch: "x86_64", kernels: [], firmware: ["bios"], root: null },
    };
    expect(reportSchema.parse(stored)).toEqual(stored);
    const old = { verdict: "accepted", checks: [{ id: "format.supported", status: "pass", message: "Raw disk image." }] };
    expect(reportSchema.parse(old).checks[0].code).toBe(UNCODED);
  });
});
