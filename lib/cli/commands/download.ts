import type { Command } from "commander";
import { humanBytes, parseSize } from "../../units";
import { connect } from "../connect";
import { usageError } from "../errors";
import { interruptSignal } from "../interrupt";
import { stdio } from "../output";

/** --limit-rate 10M -> bytes per second. */
export function rateOption(value: string): number {
  const bytes = parseSize(value);
  if (!bytes) throw usageError(`--limit-rate takes a rate such as 500K, 10M or 1G (bytes per second), not "${value}".`);
  return bytes;
}

export function registerDownloadCommand(program: Command): void {
  program
    .command("download")
    .description("download an image; an interrupted download resumes where it stopped, and the sha256 is verified")
    .argument("<image>", "image id, FAMILY@latest, FAMILY@VERSION or exact name")
    .option("-o, --output <file>", "where to write it: a file, a directory, or - for standard output (default: the image's name)")
    .option("-f, --force", "overwrite an existing file")
    .option("--limit-rate <rate>", "at most this many bytes per second, e.g. 10M", rateOption)
    .action(async (ref: string, options: { output?: string; force?: boolean; limitRate?: number }) => {
      const { downloadImage } = await import("../download");
      const client = await connect();
      const image = await client.resolveImage(ref);
      const result = await downloadImage(client, image, { ...options, signal: interruptSignal(), log: (text) => stdio.err(text) });
      const checked = result.verified ? "sha256 verified" : "no checksum on the server to verify against";
      if (result.outcome === "present") {
        stdio.err(`${result.file} is already complete (${humanBytes(result.bytes)}, sha256 verified); nothing to do.`);
        return;
      }
      const resumed =
        result.resumedFrom > 0 ? ` (resumed at ${humanBytes(result.resumedFrom)}: ${humanBytes(result.bytes - result.resumedFrom)} transferred)` : "";
      stdio.err(`${result.file ? `Saved ${result.file}` : "Wrote to standard output"}: ${humanBytes(result.bytes)}${resumed}, ${checked}.`);
    });
}
