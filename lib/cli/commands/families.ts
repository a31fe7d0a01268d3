import { type Command, Option } from "commander";
import { DEPRECATION_STATES } from "../../catalog/image";
import { connect } from "../connect";
import { usageError } from "../errors";
import { stdio, versionsTable } from "../output";
import { addOutputOptions, outputFormat } from "../output-format";

/** Which date `--on` sets: the one on which that state takes effect. */
const DATE_OF = { deprecated: "deprecateOn", obsolete: "obsoleteOn", deleted: "deleteOn" } as const;

export function registerFamilyCommands(program: Command): void {
  const versions = program
    .command("versions")
    .description("a family's version history, newest first; FAMILY@latest names the one marked latest")
    .argument("<family>", "the family, e.g. debian-12-golden")
    .addOption(new Option("--platform", "the platform's family of that name").conflicts("mine"))
    .addOption(new Option("--mine", "your private family of that name").conflicts("platform"));
  addOutputOptions(versions, "the family and its versions as the API returns them").action(
    async (family: string, options: { platform?: boolean; mine?: boolean }, command: Command) => {
      const history = await (await connect()).familyVersions(family, options.platform ? "platform" : options.mine ? "private" : undefined);
      stdio.out(outputFormat(command) === "json" ? JSON.stringify(history, null, 2) : versionsTable(history));
    },
  );

  program
    .command("deprecate")
    .description("deprecate an image (or make it obsolete, deleted, or active again), with its replacement; --on schedules it")
    .argument("<image>", "image id, FAMILY@VERSION or exact name")
    .addOption(new Option("--state <state>", "the state to set").choices(DEPRECATION_STATES).default("deprecated"))
    .option("--replacement <image>", "what to use instead: an image id or FAMILY@latest")
    .option("--on <date>", "do not change the state now: it takes effect on this date (2027-01-31, or ISO 8601 date and time)")
    .addHelpText(
      "after",
      "\nStates, as GCP's: deprecated (usable, with a warning naming the replacement), obsolete (refused for new use: not in lists\nnor FAMILY@latest, downloads refused), deleted (the file is removed; final), active (clears the replacement and the dates).",
    )
    .action(async (ref: string, options: { state: (typeof DEPRECATION_STATES)[number]; replacement?: string; on?: string }) => {
      if (options.on && options.state === "active") throw usageError("--on schedules deprecated, obsolete or deleted; active takes effect now.");
      const client = await connect();
      const image = await client.resolveImage(ref, () => undefined);
      const change = {
        ...(options.on && options.state !== "active" ? { [DATE_OF[options.state]]: options.on } : { state: options.state }),
        ...(options.replacement ? { replacement: options.replacement } : {}),
      };
      const updated = await client.setDeprecation(image.id, change);
      const { state, replacement } = updated.deprecation;
      const when = options.on ? ` It becomes ${options.state} on ${options.on}.` : "";
      stdio.out(`"${updated.name}" (${updated.id}) is ${state}${replacement ? `; replacement: ${replacement}` : ""}.${when}`);
    });
}
