#!/usr/bin/env node
// The `hangar` command (package.json "bin"). The CLI is TypeScript in lib/cli; tsx compiles it on the fly.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv);
