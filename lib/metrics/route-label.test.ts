import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { routeLabeler } from "./route-label";

const nextDir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-routes-"));
afterAll(() => fs.rmSync(nextDir, { recursive: true, force: true }));
fs.writeFileSync(
  path.join(nextDir, "routes-manifest.json"),
  JSON.stringify({
    staticRoutes: [
      { page: "/images", regex: "^/images(?:/)?$" },
      { page: "/images/families", regex: "^/images/families(?:/)?$" },
    ],
    dynamicRoutes: [{ page: "/images/[id]", regex: "^/images/([^/]+?)(?:/)?$" }],
  }),
);

it("names a request by its route's template, never by its path", () => {
  const label = routeLabeler(nextDir);
  expect(label("/api/v1/images/cm1abc?page=2")).toBe("/api/v1/images/{id}");
  expect(label("/api/v1/uploads/3f2a")).toBe("/api/v1/uploads/{uploadId}");
  expect(label("/api/v1/images/cm1abc/file")).toBe("/api/v1/images/{id}/file");
  expect(label("/images/cm1abc")).toBe("/images/[id]");
  expect(label("/images/families")).toBe("/images/families");
  expect(label("/images/cm1abc/download")).toBe("/images/[id]/download");
  expect(label("/_next/static/chunks/app-123.js")).toBe("/_next/static");
  expect(label("/readyz")).toBe("/readyz");
});

it("counts a path no route has as other, so made-up paths add no series", () => {
  const label = routeLabeler(nextDir);
  expect(label("/wp-login.php")).toBe("other");
  expect(label("/images/a/b/c")).toBe("other");
});

it("works without a build (development): the API and Hangar's own routes only", () => {
  const label = routeLabeler(path.join(nextDir, "missing"));
  expect(label("/api/v1/me")).toBe("/api/v1/me");
  expect(label("/images/cm1abc")).toBe("other");
});
