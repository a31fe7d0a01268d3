import { Command } from "commander";
import { catalogDeps } from "../lib/catalog/runtime";
import { validationsSettled } from "../lib/catalog/validation";
import { seed } from "./seed-data";

const program = new Command()
  .name("seed")
  .description("Creates the admin and demo accounts and, on an empty catalog, a few example images.")
  .option("--bulk <count>", "also create this many extra image records (for paging at scale)", (value) => Number.parseInt(value, 10), 0)
  .parse();

const deps = catalogDeps();
await seed(deps, { bulk: program.opts<{ bulk: number }>().bulk });
// The example images are validated like any new image; finish before exiting.
await validationsSettled();
await deps.db.$disconnect();
