import fs from "node:fs";
import path from "node:path";

/** The project's root: "@/x" imports resolve below it (tsconfig.json "paths"). */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");

export interface ImportEdge {
  specifier: string;
  /** The project file it names, or null for a package. */
  file: string | null;
}

const EXTENSIONS = ["", ".ts", ".tsx", "/index.ts", "/index.tsx"];

function resolve(from: string, specifier: string): string | null {
  const base = specifier.startsWith(".")
    ? path.resolve(path.dirname(from), specifier)
    : specifier.startsWith("@/")
      ? path.join(PROJECT_ROOT, specifier.slice(2))
      : null;
  if (base === null) return null;
  for (const extension of EXTENSIONS) {
    const candidate = `${base}${extension}`;
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return base;
}

/** What a module imports or re-exports by name (`import ... from`, `export ... from`), type-only imports included. */
export function importsOf(file: string): ImportEdge[] {
  const source = fs.readFileSync(file, "utf8");
  return [...source.matchAll(/^(?:import|export)\s[^"']*?from\s+["']([^"']+)["']/gm)].map(([, specifier = ""]) => ({
    specifier,
    file: resolve(file, specifier),
  }));
}

/** Every module reachable from `entries` through project imports that `follow` accepts, with what each imports. */
export function importGraph(entries: string[], follow: (file: string) => boolean = () => true): Map<string, ImportEdge[]> {
  const graph = new Map<string, ImportEdge[]>();
  const queue = [...entries];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (graph.has(file)) continue;
    const edges = importsOf(file);
    graph.set(file, edges);
    for (const edge of edges) if (edge.file && follow(edge.file) && fs.existsSync(edge.file)) queue.push(edge.file);
  }
  return graph;
}

/** The import cycles of a graph: each strongly connected set of modules (Tarjan), as paths relative to the project. */
export function importCycles(graph: Map<string, ImportEdge[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const { file: next } of graph.get(file) ?? []) {
      if (!next || !graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
    }
    if (low.get(file) !== index.get(file)) return;
    const members: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      members.push(path.relative(PROJECT_ROOT, member));
      if (member === file) break;
    }
    const selfImport = graph.get(file)?.some((edge) => edge.file === file) ?? false;
    if (members.length > 1 || selfImport) cycles.push(members.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

/** The .ts and .tsx files below `dir` (relative to the project), skipping `skip` folders. */
export function sourceFiles(dir: string, skip: string[] = []): string[] {
  const root = path.join(PROJECT_ROOT, dir);
  return fs
    .readdirSync(root, { recursive: true, encoding: "utf8" })
    .map((entry) => path.join(root, entry))
    .filter((file) => /\.tsx?$/.test(file) && !skip.some((folder) => file.startsWith(path.join(PROJECT_ROOT, folder) + path.sep)));
}
