import type { Operation } from "./operation";
import { OPERATIONS } from "./operations";
import { UPLOAD_OPERATIONS } from "./upload-operations";

const API_PREFIX = "/api/v1";

function pathPattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
  return new RegExp(`^${API_PREFIX}${escaped}$`);
}

const ROUTES = (() => {
  const byTemplate = new Map<string, Set<string>>();
  for (const operation of [...OPERATIONS, ...UPLOAD_OPERATIONS] as readonly Operation[]) {
    const methods = byTemplate.get(operation.path) ?? new Set<string>();
    methods.add(operation.method.toUpperCase());
    // Route handlers answer HEAD wherever they answer GET.
    if (operation.method === "get") methods.add("HEAD");
    byTemplate.set(operation.path, methods);
  }
  return [...byTemplate].map(([template, methods]) => ({ template: `${API_PREFIX}${template}`, pattern: pathPattern(template), methods: [...methods] }));
})();

/** The methods an /api/v1 path answers, from the operations table; null for a path the API does not have. */
export function apiMethodsFor(pathname: string): string[] | null {
  return ROUTES.find((route) => route.pattern.test(pathname))?.methods ?? null;
}

/** The template of the /api/v1 operation a path is for ("/api/v1/images/{id}"); null for a path the API does not have. */
export function apiTemplateFor(pathname: string): string | null {
  return ROUTES.find((route) => route.pattern.test(pathname))?.template ?? null;
}
