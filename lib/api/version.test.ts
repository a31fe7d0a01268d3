import { expect, it } from "vitest";
import { API_VERSION, apiVersionGap } from "./version";

it("is MAJOR.MINOR", () => {
  expect(apiVersionGap(API_VERSION, API_VERSION)).toBe("none");
});

it("tells features a client lacks from answers it may misread, and says nothing when the server is older", () => {
  expect(apiVersionGap("1.3", "1.2")).toBe("features");
  expect(apiVersionGap("1.10", "1.9")).toBe("features");
  expect(apiVersionGap("2.0", "1.9")).toBe("incompatible");
  expect(apiVersionGap("1.2", "1.2")).toBe("none");
  expect(apiVersionGap("1.1", "1.2")).toBe("none");
  expect(apiVersionGap("1.9", "2.0")).toBe("none");
});

it("compares nothing it cannot read", () => {
  for (const server of ["", "1", "1.2.3", "v1.2", "latest", "1.x"]) expect(apiVersionGap(server, "1.0"), server).toBeNull();
});
