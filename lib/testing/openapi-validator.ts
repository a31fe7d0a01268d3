import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const BASE = "https://hangar.invalid/openapi.json";

const PREFIX = "#/components/schemas/";

function toDefs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (key, item: unknown) =>
    key === "$ref" && typeof item === "string" && item.startsWith(PREFIX) ? `${BASE}#/$defs/${item.slice(PREFIX.length)}` : item,
  ) as T;
}

/**
 * Validates values against the schemas of an OpenAPI 3.1 document (JSON
 * Schema 2020-12), resolving its `#/components/schemas/...` references.
 */
export function documentSchemas(document: { components?: { schemas?: Record<string, unknown> } }) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, strictTuples: false });
  addFormats(ajv);
  // The components become $defs of one schema, and their references follow, so that strict mode holds.
  ajv.addSchema({ $id: BASE, $defs: toDefs(document.components?.schemas ?? {}) });
  const cache = new Map<string, ValidateFunction>();
  function compile(schema: Record<string, unknown>): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = cache.get(key);
    if (!validate) {
      const local = toDefs(schema);
      validate = typeof local.$ref === "string" ? ajv.compile({ $ref: local.$ref }) : ajv.compile({ ...local, $id: `${BASE}/inline/${cache.size}` });
      cache.set(key, validate);
    }
    return validate;
  }
  return {
    compile,
    /** Throws with ajv's messages when the value does not match. */
    assert(schema: Record<string, unknown>, value: unknown, what: string): void {
      const validate = compile(schema);
      if (!validate(value))
        throw new Error(`${what} does not match its documented schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 2000)}`);
    },
  };
}
