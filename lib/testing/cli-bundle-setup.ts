import { buildCli } from "../../scripts/build-cli";

/** Playwright's global setup: the portal under test serves dist/cli/hangar built from the code under test, as `npm run build` makes it. */
export default async function setup(): Promise<void> {
  await buildCli();
}
