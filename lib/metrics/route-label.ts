import fs from "node:fs";
import path from "node:path";
import { apiTemplateFor } from "../api/allowed-methods";

interface Template {
  label: string;
  pattern: RegExp;
}

/** Routes outside Next's manifest (Hangar's raw routes but the API's, which the operations table names) and Next's own files. */
const RAW: Template[] = [
  { label: "/healthz", pattern: /^\/healthz$/ },
  { label: "/readyz", pattern: /^\/readyz$/ },
  { label: "/metrics", pattern: /^\/metrics$/ },
  { label: "/images/[id]/download", pattern: /^\/images\/[^/]+\/download$/ },
  { label: "/_next/static", pattern: /^\/_next\/static\// },
  { label: "/_next/image", pattern: /^\/_next\/image$/ },
];

interface RoutesManifest {
  staticRoutes?: { page: string; regex: string }[];
  dynamicRoutes?: { page: string; regex: string }[];
}

/** Next's pages and route handlers, from the build's routes manifest (none in development, where it has no such file). */
function nextRoutes(nextDir: string): Template[] {
  const file = path.join(nextDir, "routes-manifest.json");
  if (!fs.existsSync(file)) return [];
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as RoutesManifest;
  // Static routes first, as Next matches them: "/images/families" must not count as "/images/[id]".
  return [...(manifest.staticRoutes ?? []), ...(manifest.dynamicRoutes ?? [])].map(({ page, regex }) => ({ label: page, pattern: new RegExp(regex) }));
}

/**
 * The route template a request's path counts under in the metrics ("/api/v1/images/{id}", "/images/[id]"): a
 * label per route, never per path, so that ids and a scanner's made-up paths cannot grow the series without
 * bound. A path no route has is "other".
 */
export function routeLabeler(nextDir = path.resolve(".next")): (url: string) => string {
  const templates = [...RAW, ...nextRoutes(nextDir)];
  return (url) => {
    const pathname = url.split("?")[0] ?? url;
    return apiTemplateFor(pathname) ?? templates.find(({ pattern }) => pattern.test(pathname))?.label ?? "other";
  };
}
