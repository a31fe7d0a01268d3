import { type Command, Option } from "commander";
import { SORT_KEYS } from "../../catalog/schemas";
import { HangarClient } from "../client";
import { loadConfig } from "../config";
import { imageDetails, imageTable, stdio } from "../output";

export function registerImageCommands(program: Command): void {
  const images = program.command("images").description("list and show images");

  images
    .command("ls")
    .description("list the platform catalog and your private images (all pages)")
    .addOption(new Option("--platform", "only platform images").conflicts("mine"))
    .addOption(new Option("--mine", "only your private images").conflicts("platform"))
    .option("-s, --search <text>", "only images whose name contains this text")
    .addOption(new Option("--sort <key>", "sort by").choices(SORT_KEYS).default("name"))
    .option("--desc", "sort in descending order")
    .option("--deprecated", "include deprecated platform images")
    .option("--json", "print JSON: an array of images as the API returns them")
    .action(async (options: { platform?: boolean; mine?: boolean; search?: string; sort: string; desc?: boolean; deprecated?: boolean; json?: boolean }) => {
      const client = new HangarClient(loadConfig());
      const items = await client.allImages({
        scope: options.platform ? "platform" : options.mine ? "mine" : "all",
        sort: options.sort,
        dir: options.desc ? "desc" : "asc",
        ...(options.search ? { q: options.search } : {}),
        ...(options.deprecated ? { deprecated: "true" } : {}),
      });
      if (options.json) stdio.out(JSON.stringify(items, null, 2));
      else if (items.length === 0) stdio.err(options.search ? `No image matches "${options.search}".` : "No images.");
      else stdio.out(imageTable(items));
    });

  images
    .command("show")
    .description("every property of an image, with its validation report")
    .argument("<image>", "image id (or exact name)")
    .option("--json", "print the image as JSON, as the API returns it")
    .action(async (ref: string, options: { json?: boolean }) => {
      const image = await new HangarClient(loadConfig()).resolveImage(ref);
      stdio.out(options.json ? JSON.stringify(image, null, 2) : imageDetails(image));
    });
}
