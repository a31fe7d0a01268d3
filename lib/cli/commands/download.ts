import { type Command, Option } from "commander";
import { COMPRESSIBLE_TARGETS, EXPORT_COMPRESSIONS, EXPORT_TARGETS, type ExportRequest, type ExportTarget, isCompressible } from "../../convert/targets";
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
    .description("download an image, as stored or converted; an interrupted download resumes where it stopped, and the result is verified")
    .argument("<image>", "image id, FAMILY@latest, FAMILY@VERSION or exact name")
    .option("-o, --output <file>", "where to write it: a file, a directory, or - for standard output (default: the image's name)")
    .option("-f, --force", "overwrite an existing file")
    .option("--limit-rate <rate>", "at most this many bytes per second, e.g. 10M", rateOption)
    .addOption(
      new Option("--format <format>", "the disk in another format, converted on the server and verified by its disk digest (default: as stored)").choices(
        EXPORT_TARGETS,
      ),
    )
    .option("--compress", "with --format qcow2: its clusters compressed, as qemu-img convert -c writes them (smaller, slower to make)")
    .action(async (ref: string, options: { output?: string; force?: boolean; limitRate?: number; format?: ExportTarget; compress?: boolean }) => {
      if (options.compress && !isCompressible(options.format))
        throw usageError(`--compress applies to --format ${COMPRESSIBLE_TARGETS.join(" or ")} only, e.g. hangar download ${ref} --format qcow2 --compress.`);
      const client = await connect();
      const image = await client.resolveImage(ref);
      const settings = { ...options, signal: interruptSignal(), log: (text: string) => stdio.err(text) };
      // Asking for the format it is stored in, uncompressed, is a plain download, verified by its sha256.
      const target: ExportRequest | undefined =
        options.format && (options.format !== image.diskFormat || options.compress)
          ? { format: options.format, ...(options.compress ? { compression: EXPORT_COMPRESSIONS[0] } : {}) }
          : undefined;
      const exported = target !== undefined;
      const result = target
        ? await (await import("../download-export")).downloadExport(client, image, target, settings)
        : await (await import("../download")).downloadImage(client, image, settings);
      const verifiedBy = exported ? "disk digest verified" : "sha256 verified";
      const checked = result.verified ? verifiedBy : `no ${exported ? "disk digest" : "checksum"} on the server to verify against`;
      if (result.outcome === "present") {
        stdio.err(`${result.file} is already complete (${humanBytes(result.bytes)}, ${verifiedBy}); nothing to do.`);
        return;
      }
      const resumed =
        result.resumedFrom > 0 ? ` (resumed at ${humanBytes(result.resumedFrom)}: ${humanBytes(result.bytes - result.resumedFrom)} transferred)` : "";
      stdio.err(`${result.file ? `Saved ${result.file}` : "Wrote to standard output"}: ${humanBytes(result.bytes)}${resumed}, ${checked}.`);
    });
}
