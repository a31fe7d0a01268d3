import { Validator } from "@seriousme/openapi-schema-validator";
import { expect, it } from "vitest";
import { imagePatchSchema } from "../catalog/schemas";
import { documentSchemas } from "../testing/openapi-validator";
import { openApiDocument } from "./openapi";
import { OPERATIONS } from "./operations";

const document = openApiDocument();

it("is a valid OpenAPI 3.1 document", async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe("3.1");
});

it("holds schemas that are valid JSON Schema 2020-12, every one compiling under ajv's strict mode", () => {
  const schemas = documentSchemas(document);
  for (const id of Object.keys(document.components.schemas)) expect(() => schemas.compile({ $ref: `#/components/schemas/${id}` }), id).not.toThrow();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { parameters?: { schema: Record<string, unknown> }[] }[]) {
      for (const parameter of operation.parameters ?? []) expect(() => schemas.compile(parameter.schema)).not.toThrow();
    }
  }
});

it("documents every operation the routes serve, each with its error responses", () => {
  for (const operation of OPERATIONS) {
    const documented = (document.paths[operation.path] as Partial<Record<string, { operationId: string; responses: Record<string, unknown> }>>)[
      operation.method
    ];
    expect(documented?.operationId).toBe(operation.operationId);
    expect(Object.keys(documented?.responses ?? {})).toContain(String(operation.success.status));
    if (operation.auth) expect(Object.keys(documented?.responses ?? {})).toContain("401");
  }
});

it("describes request bodies with the very schema the route parses with", () => {
  const schemas = documentSchemas(document);
  const patch = { $ref: "#/components/schemas/ImagePatch" };
  const samples: unknown[] = [
    { name: "x" },
    { minMemoryMiB: 512, osType: "linux" },
    { properties: { a: "b" } },
    { minMemoryMiB: null },
    { minMemoryMiB: -1 },
    { architecture: "sparc" },
    { bogus: 1 },
    { properties: { "bad key": "x" } },
    { osDistro: "Debian!" },
  ];
  // Where JSON Schema can say it, the document and zod agree on what is valid.
  for (const sample of samples) expect(schemas.compile(patch)(sample), JSON.stringify(sample)).toBe(imagePatchSchema.safeParse(sample).success);
});

it("shows request body examples the route accepts", () => {
  for (const operation of OPERATIONS) {
    if ("body" in operation) expect(operation.body.safeParse(operation.bodyExample).success, operation.operationId).toBe(true);
  }
});
