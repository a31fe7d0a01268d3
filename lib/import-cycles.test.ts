import path from "node:path";
import { describe, expect, it } from "vitest";
import { importCycles, importGraph, importsOf, PROJECT_ROOT, sourceFiles } from "./testing/import-graph";

// A cycle makes module order matter (one side sees the other half-initialised) and couples the
// modules into one: the upload provider that imported the dialog and the tray, which imported the
// provider back, was one. Type-only imports count too: they couple the modules just the same.

describe("imports", () => {
  it("form no cycle in app/, components/ and lib/", () => {
    // Prisma's generated clients (SQLite's and PostgreSQL's) are not ours to untangle.
    const generated = ["lib/db/generated", "lib/db/generated-postgresql"];
    const files = ["app", "components", "lib"].flatMap((dir) => sourceFiles(dir, generated));
    const graph = importGraph(files, (file) => file.startsWith(PROJECT_ROOT) && !generated.some((folder) => file.includes(`/${folder}/`)));
    expect(graph.size).toBeGreaterThan(300);
    expect(importCycles(graph)).toEqual([]);
  });

  it("resolves @/ and relative imports to the project's files, and leaves packages out", () => {
    const edges = importsOf(path.join(PROJECT_ROOT, "components/uploads/upload-dialog.tsx"));
    expect(edges).toContainEqual({ specifier: "@/lib/uploads/client/intake", file: path.join(PROJECT_ROOT, "lib/uploads/client/intake.ts") });
    expect(edges).toContainEqual({ specifier: "../ui/dialog", file: path.join(PROJECT_ROOT, "components/ui/dialog.tsx") });
    expect(edges).toContainEqual({ specifier: "lucide-react", file: null });
  });

  it("finds every cycle, a module importing itself included", () => {
    const at = (name: string) => path.join(PROJECT_ROOT, name);
    const graph = new Map([
      [at("a.ts"), [{ specifier: "@/b", file: at("b.ts") }]],
      [at("b.ts"), [{ specifier: "./c", file: at("c.ts") }]],
      [
        at("c.ts"),
        [
          { specifier: "./a", file: at("a.ts") },
          { specifier: "zod", file: null },
        ],
      ],
      [at("d.ts"), [{ specifier: "./d", file: at("d.ts") }]],
      [at("e.ts"), [{ specifier: "./a", file: at("a.ts") }]],
    ]);
    expect(importCycles(graph)).toEqual([["a.ts", "b.ts", "c.ts"], ["d.ts"]]);
  });
});
