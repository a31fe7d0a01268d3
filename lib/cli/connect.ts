import type { HangarClient } from "./client";
import type { CliConfig } from "./config";

/**
 * The API client for `config`, else for the stored server and token (or HANGAR_URL and
 * HANGAR_TOKEN). Loaded when a command first needs it: zod and the API's schemas are most of what
 * the CLI would evaluate at start, and `--help`, `completion` and `inspect` need neither.
 */
export async function connect(config?: CliConfig): Promise<HangarClient> {
  const [{ HangarClient }, { loadConfig }] = await Promise.all([import("./client"), import("./config")]);
  return new HangarClient(config ?? loadConfig());
}
