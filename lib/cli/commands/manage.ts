import readline from "node:readline/promises";
import type { Command } from "commander";
import { CliError, usageError } from "../errors";
import { connect } from "../connect";
import { EXIT } from "../exit-codes";
import { stdio } from "../output";

/** `hangar set` keys for the built-in fields, with Glance's names as aliases; any other key is a free property. */
export const SET_KEYS: Record<string, string> = {
  name: "name",
  description: "description",
  "min-ram": "minMemoryMiB",
  min_ram: "minMemoryMiB",
  "min-disk": "minDiskGiB",
  min_disk: "minDiskGiB",
  "os-type": "osType",
  os_type: "osType",
  "os-distro": "osDistro",
  os_distro: "osDistro",
  "os-version": "osVersion",
  os_version: "osVersion",
  architecture: "architecture",
  arch: "architecture",
  firmware: "firmware",
  hw_firmware_type: "firmware",
};
const CLI_NAME: Record<string, string> = {};
for (const [key, field] of Object.entries(SET_KEYS)) CLI_NAME[field] ??= key;

/** Field errors from the server under the names the user typed. */
function withCliNames(error: unknown): unknown {
  if (!(error instanceof CliError) || Object.keys(error.fields).length === 0) return error;
  const fields = Object.fromEntries(Object.entries(error.fields).map(([field, message]) => [CLI_NAME[field] ?? field, message]));
  return new CliError(error.exitCode, error.message, fields);
}

/** key=value arguments as a PATCH body: built-in fields by name, free properties merged into the current ones; an empty value clears. */
export function patchFromAssignments(assignments: string[], current: Record<string, string>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const properties = new Map(Object.entries(current));
  let propertiesChanged = false;
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw usageError(`"${assignment}" is not key=value (e.g. min-ram=2048).`);
    const key = assignment.slice(0, eq).trim();
    const value = assignment.slice(eq + 1);
    const field = SET_KEYS[key];
    if (field) {
      patch[field] = value === "" && field !== "name" ? null : value;
    } else {
      propertiesChanged = true;
      if (value === "") properties.delete(key);
      else properties.set(key, value);
    }
  }
  if (propertiesChanged) patch.properties = Object.fromEntries(properties);
  return patch;
}

async function confirm(question: string): Promise<boolean> {
  const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}

export function registerManageCommands(program: Command): void {
  program
    .command("rename")
    .description("rename an image")
    .argument("<image>", "image id, FAMILY@latest, FAMILY@VERSION or exact name")
    .argument("<name>", "the new name")
    .action(async (ref: string, name: string) => {
      const client = await connect();
      const image = await client.resolveImage(ref);
      const renamed = await client.updateImage(image.id, { name }).catch((error: unknown) => {
        throw withCliNames(error);
      });
      stdio.out(`Renamed ${image.id} from "${image.name}" to "${renamed.name}".`);
    });

  program
    .command("set")
    .description("set properties, e.g. min-ram=2048 os-distro=debian hw_disk_bus=virtio; key= clears one")
    .argument("<image>", "image id, FAMILY@latest, FAMILY@VERSION or exact name")
    .argument("<key=value...>", "properties to set")
    .addHelpText(
      "after",
      "\nBuilt-in keys: min-ram (MiB), min-disk (GiB), os-type (linux, windows), os-distro (e.g. debian), os-version,\narchitecture (x86_64, aarch64), firmware (bios, uefi), description, name; Glance's names (min_ram,\nos_distro, hw_firmware_type, ...) work too. Any other key is a free-form property. An empty value clears.",
    )
    .action(async (ref: string, assignments: string[]) => {
      const client = await connect();
      const image = await client.resolveImage(ref);
      const patch = patchFromAssignments(assignments, image.properties);
      const updated = await client.updateImage(image.id, patch).catch((error: unknown) => {
        throw withCliNames(error);
      });
      stdio.out(`Updated ${updated.id} ("${updated.name}").`);
    });

  program
    .command("rm")
    .description("delete an image and its file")
    .argument("<image>", "image id, FAMILY@latest, FAMILY@VERSION or exact name")
    .option("-y, --yes", "do not ask for confirmation (required when not on a terminal)")
    .action(async (ref: string, options: { yes?: boolean }) => {
      const client = await connect();
      const image = await client.resolveImage(ref);
      if (!options.yes) {
        if (!process.stdin.isTTY) throw usageError(`Refusing to delete "${image.name}" without --yes when not on a terminal.`);
        if (!(await confirm(`Delete "${image.name}" (${image.id}) and its file? This cannot be undone. [y/N] `))) {
          throw new CliError(EXIT.failed, "Not deleted.");
        }
      }
      await client.deleteImage(image.id);
      stdio.out(`Deleted "${image.name}" (${image.id}).`);
    });
}
