import { type Command, Option } from "commander";
import { usageError } from "./errors";

export const OUTPUT_FORMATS = ["table", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * `--output table|json`, by default $HANGAR_OUTPUT, and `--json`, its alias, on a command that
 * prints a list or an object; `json` says what the JSON is.
 */
export function addOutputOptions(command: Command, json: string): Command {
  return command
    .addOption(new Option("--output <format>", `table: for people; json: ${json}`).choices(OUTPUT_FORMATS).env("HANGAR_OUTPUT"))
    .addOption(new Option("--json", "the same as --output json"));
}

/** --json, else --output, else $HANGAR_OUTPUT, else table; --json and --output table on one command line contradict each other. */
export function outputFormat(command: Command): OutputFormat {
  const { json, output } = command.opts<{ json?: boolean; output?: OutputFormat }>();
  if (json && output === "table" && command.getOptionValueSource("output") === "cli")
    throw usageError("--json and --output table contradict each other; give one.");
  return json ? "json" : (output ?? "table");
}
