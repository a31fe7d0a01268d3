import { type Command, Option } from "commander";
import { SORT_KEYS } from "../../catalog/image";
import { connect } from "../connect";
import { projectFlag, projectOption } from "./projects";
import { imageDetails, imageTable, stdio } from "../output";
import { addOutputOptions, outputFormat } from "../output-format";

export function registerImageCommands(program: Command): void {
  const images = program.command("images").description("list and show images");

  const ls = images
    .command("ls")
    .description("list the platform catalog and your projects' private images, with those shared with you (all pages)")
    .addOption(new Option("--platform", "only platform images").conflicts("mine"))
    .addOption(new Option("--mine", "only your private images").conflicts("platform"))
    .option("-s, --search <text>", "only images whose name contains this text")
    .addOption(new Option("--sort <key>", "sort by").choices(SORT_KEYS).default("name"))
    .option("--desc", "sort in descending order")
    .option("--deprecated", "include deprecated, obsolete and deleted images")
    .addOption(new Option("--shared", "only the private images others share with you").conflicts(["platform", "mine"]))
    .addOption(projectFlag());
  addOutputOptions(ls, "an array of images as the API returns them").action(
    async (
      options: { platform?: boolean; mine?: boolean; shared?: boolean; project?: string; search?: string; sort: string; desc?: boolean; deprecated?: boolean },
      command: Command,
    ) => {
      const format = outputFormat(command);
      const client = await connect();
      const project = await projectOption(client, options.project);
      const items = await client.allImages({
        scope: options.platform ? "platform" : options.mine ? "mine" : options.shared ? "shared" : "all",
        ...(project ? { project: project.id } : {}),
        sort: options.sort,
        dir: options.desc ? "desc" : "asc",
        ...(options.search ? { q: options.search } : {}),
        ...(options.deprecated ? { deprecated: "true" } : {}),
      });
      if (format === "json") stdio.out(JSON.stringify(items, null, 2));
      else if (items.length === 0) stdio.err(options.search ? `No image matches "${options.search}".` : "No images.");
      else stdio.out(imageTable(items));
    },
  );

  const show = images
    .command("show")
    .description("every property of an image, with its validation report")
    .argument("<image>", "image id, FAMILY@latest, FAMILY@VERSION or exact name");
  addOutputOptions(show, "the image as the API returns it").action(async (ref: string, _options: unknown, command: Command) => {
    const format = outputFormat(command);
    const image = await (await connect()).resolveImage(ref);
    stdio.out(format === "json" ? JSON.stringify(image, null, 2) : imageDetails(image));
  });
}
