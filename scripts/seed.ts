import { Command } from "commander";
import { catalogDeps } from "../lib/catalog/runtime";
import { ConfigError } from "../lib/config-error";
import { validationsSettled } from "../lib/catalog/validation";
import { seed } from "./seed-data";

const program = new Command()
  .name("seed")
  .description("Makes sure an administrator exists and, with HANGAR_DEMO=1, creates the demo user and, on an empty catalog, a few example images.")
  .option("--bulk <count>", "also create this many extra image records (for paging at scale)", (value) => Number.parseInt(value, 10), 0)
  .parse();

const deps = catalogDeps();
try {
  await seed(deps, { bulk: program.opts<{ bulk: number }>().bulk });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`seed: ${error.message}`);
  process.exit(1);
}
// The example images are validated like any new image; finish before exiting.
await validationsSettled();
await deps.db.$disconnect();
