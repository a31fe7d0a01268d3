// Builds the `hangar` command as one file, dist/cli/hangar: lib/cli with everything it imports
// (commander, zod, tus-js-client, the inspector), minified, for Node.js 20 or later, with a shebang.
// `npm run build` runs it; the portal serves the result at /cli/hangar (app/cli/hangar/route.ts).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Metafile, type Plugin } from "esbuild";
import { API_VERSION } from "../lib/api/version";
import { CLI_BUNDLE_FILE } from "../lib/cli/bundle/file";
import { HANGAR_VERSION } from "../lib/version";

const root = path.resolve(import.meta.dirname, "..");

/**
 * zod's classic API re-exports all its locales as z.locales: a quarter of the bundle, to parse at
 * every start without the code cache, for messages in languages Hangar does not speak (zod sets up
 * English by itself, and the CLI's messages are its own). z.locales keeps English only.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[/\\]node_modules[/\\]zod[/\\]/.test(args.importer)
        ? { path: "locales", namespace: "zod-english-only", pluginData: path.dirname(args.importer) }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-english-only" }, (args) => ({
      contents: 'export { default as en } from "../locales/en.js";',
      resolveDir: args.pluginData as string,
      loader: "js",
    }));
  },
};

const LICENSE_FILES = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "license.md", "LICENCE", "LICENSE-MIT"];

/** The npm packages the bundle took code from, with their license texts, as a closing comment. */
function licenses(metafile: Metafile): string {
  const packages = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(input.slice(0, match.index + match[0].length - 1));
  }
  const entries = [...packages].sort().map((dir) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, "package.json"), "utf8")) as { name: string; version: string; license?: string };
    const file = LICENSE_FILES.map((name) => path.join(root, dir, name)).find((candidate) => fs.existsSync(candidate));
    const text = file ? fs.readFileSync(file, "utf8").trim() : `License: ${manifest.license ?? "see the package"}`;
    return `${manifest.name} ${manifest.version} (${manifest.license ?? "unknown"})\n\n${text}`;
  });
  return `/*!\nThird-party code in this file, and its licenses:\n\n${entries.join("\n\n----\n\n").replace(/\*\//g, "* /")}\n*/\n`;
}

export interface BuiltCli {
  file: string;
  size: number;
  sha256: string;
}

/**
 * Builds the bundle into `outFile` (written whole, then renamed over the old one) and returns its
 * size and SHA-256: the CLI (lib/cli/bin.ts and what it imports) as one string inside its loader
 * (lib/cli/bundle/loader.ts), then the licenses.
 */
export async function buildCli(outFile = path.join(root, CLI_BUNDLE_FILE)): Promise<BuiltCli> {
  const cli = await build({
    absWorkingDir: root,
    entryPoints: ["lib/cli/bin.ts"],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    minify: true,
    legalComments: "none",
    plugins: [zodEnglishOnly],
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  const source = cli.outputFiles[0]?.text ?? "";
  const key = `${HANGAR_VERSION}-${createHash("sha256").update(source).digest("hex").slice(0, 16)}`;
  const loader = await build({
    absWorkingDir: root,
    entryPoints: ["lib/cli/bundle/loader.ts"],
    bundle: false,
    platform: "node",
    // No import or export is left: the text is a script that CommonJS and ES modules both run.
    format: "esm",
    target: "node20",
    define: { HANGAR_SOURCE: JSON.stringify(source), HANGAR_SOURCE_KEY: JSON.stringify(key) },
    write: false,
    logLevel: "warning",
  });
  const banner = `#!/usr/bin/env node\n// hangar ${HANGAR_VERSION} (API ${API_VERSION}): the Hangar command line, one file for Node.js 20 or later. Licenses of the code it includes are at the end.\n"use strict";\n`;
  const bytes = Buffer.from(`${banner}${loader.outputFiles[0]?.text ?? ""}${licenses(cli.metafile)}`);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const temporary = `${outFile}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, bytes, { mode: 0o755 });
  fs.renameSync(temporary, outFile);
  return { file: outFile, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const built = await buildCli();
  console.log(`${path.relative(process.cwd(), built.file)}: hangar ${HANGAR_VERSION}, ${(built.size / 1024).toFixed(0)} KiB, sha256 ${built.sha256}`);
}
