#!/usr/bin/env node
// The `hangar-admin` command (package.json "bin"): operator commands in lib/admin, run on a Hangar host from its
// checkout with the server's configuration; tsx compiles them on the fly, as scripts/hangar.mjs does the CLI's.
import { register } from "tsx/esm/api";

register();
const { adminMain } = await import("../lib/admin/main.ts");
process.exitCode = await adminMain(process.argv);
