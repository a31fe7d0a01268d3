import fs from "node:fs";
import path from "node:path";
import { type Command, Option } from "commander";
import { containerLabel, convertsOnServer } from "../../inspect/convertible";
import { humanBytes, parseSize } from "../../units";
import { connect } from "../connect";
import { projectFlag, projectOption } from "./projects";
import { CliError, usageError } from "../errors";
import { EXIT } from "../exit-codes";
import { interruptSignal } from "../interrupt";
import { imageDetails, stdio } from "../output";
import { addOutputOptions, outputFormat } from "../output-format";
import { renderReport, terminalProgress } from "./inspect";
import { rateOption } from "./download";

/**
 * One PATCH per 256 MiB: few enough requests to keep loopback throughput, each
 * short enough for proxies in front of Hangar that cap a request's size or time.
 * (Here rather than in ../upload, which loads tus-js-client: --help must not.)
 */
export const DEFAULT_CHUNK_SIZE = 256 * 1024 * 1024;

interface UploadCommandOptions {
  name?: string;
  description?: string;
  minRam?: string;
  minDisk?: string;
  osType?: string;
  osDistro?: string;
  osVersion?: string;
  arch?: string;
  firmware?: string;
  platform?: boolean;
  project?: string;
  sha256?: string;
  family?: string;
  wait?: boolean;
  precheck: boolean;
  limitRate?: number;
  chunkSize?: number;
}

/** --family FAMILY@VERSION as the metadata keys `family` and `version`, in the notation that names a version everywhere else. */
export function familyOf(value: string | undefined): [string, string][] {
  if (value === undefined) return [];
  const at = value.lastIndexOf("@");
  if (at <= 0 || at === value.length - 1) throw usageError(`--family takes FAMILY@VERSION, e.g. debian-12-golden@2026.12.06 (not "${value}").`);
  return [
    ["family", value.slice(0, at)],
    ["version", value.slice(at + 1)],
  ];
}

/** Upload-Metadata from the options (lib/uploads/metadata.ts reads these keys; the server validates them). */
function metadataOf(options: UploadCommandOptions): Record<string, string> {
  const entries: [string, string | undefined][] = [
    ["name", options.name],
    ["description", options.description],
    ["minMemoryMiB", options.minRam],
    ["minDiskGiB", options.minDisk],
    ["osType", options.osType],
    ["osDistro", options.osDistro],
    ["osVersion", options.osVersion],
    ["architecture", options.arch],
    ["firmware", options.firmware],
    ["visibility", options.platform ? "platform" : undefined],
    ["sha256", options.sha256],
    ...familyOf(options.family),
  ];
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * The inspection the server runs on an upload (lib/catalog/inspector.ts: full depth, with the
 * guest checks), before a byte is sent. It reads the file's tables and the guest's file
 * systems, which takes a while on a large image, so it says what it is doing.
 */
async function precheck(file: string): Promise<void> {
  stdio.err(`Checking ${path.basename(file)} as Hangar will (format, tables, guest)...`);
  const { inspectStoredFile } = await import("../../catalog/inspector");
  const progress = terminalProgress();
  const report = await inspectStoredFile(file, path.basename(file), progress ? (percent) => progress(percent / 100) : undefined);
  const size = report.virtualSize === null ? "" : `, virtual size ${humanBytes(report.virtualSize)}`;
  if (report.verdict === "rejected" && convertsOnServer(report)) {
    stdio.err(`Local check: ${containerLabel(report.format, report.subformat)}${size}; Hangar converts it on the server, then checks the converted disk.`);
    return;
  }
  if (report.verdict === "rejected") {
    process.stderr.write(renderReport(file, report));
    throw new CliError(EXIT.failed, `Hangar would reject ${path.basename(file)}; nothing was sent. Fix it as above, or send it anyway with --no-precheck.`);
  }
  stdio.err(`Local check: ${report.format}${size}, ${report.verdict}.`);
}

const sizeOption = (value: string) => {
  const bytes = parseSize(value);
  if (!bytes || bytes < 5 * 1024 * 1024) throw usageError(`--chunk-size takes a size of at least 5M, such as 64M or 1G, not "${value}".`);
  return bytes;
};

export function registerUploadCommand(program: Command): void {
  const upload = program
    .command("upload")
    .description("upload an image; run the same command again after Ctrl-C, a dropped connection or a reboot to resume")
    .argument("<file>", "a RAW, QCOW2 or VMDK disk image")
    .option("--name <name>", "the image's name (default: the file name without its extension)")
    .option("--min-ram <MiB>", "minimum memory to boot, in MiB")
    .option("--min-disk <GiB>", "minimum disk, in GiB")
    .option("--os-type <type>", "linux or windows")
    .option("--os-distro <distro>", "e.g. debian, ubuntu, rhel, windows")
    .option("--os-version <version>", "e.g. 12, 24.04")
    .option("--arch <arch>", "x86_64 or aarch64")
    .option("--firmware <firmware>", "bios or uefi")
    .option("--description <text>", "a description")
    .option("--platform", "upload to the platform catalog (administrators)")
    .addOption(projectFlag())
    .option("--sha256 <hex>", "the file's published sha256: the server rejects the image if the bytes differ")
    .option(
      "--family <family@version>",
      "add the image as this version of a family, e.g. debian-12-golden@2026.12.06; unset properties are the previous version's",
    )
    .option("--wait", "wait for validation and print the report; exit 1 if the image is rejected")
    .option("--no-precheck", "send the file even when the local check says Hangar would reject it")
    .option("--limit-rate <rate>", "at most this many bytes per second, e.g. 10M", rateOption)
    .addOption(new Option("--chunk-size <size>", "bytes per PATCH request").argParser(sizeOption).default(DEFAULT_CHUNK_SIZE, "256M"));
  addOutputOptions(upload, "the image (with the upload's figures) instead of its id, or of its details with --wait").action(
    async (file: string, options: UploadCommandOptions, command: Command) => {
      const format = outputFormat(command);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw usageError(`${file} is not a file.`);
      const { uploadFile, waitForChecksum, waitForValidation } = await import("../upload");
      const client = await connect();
      // An unreachable server or a refused token fails now (exit 7 or 3), not after the local check
      // or ten minutes of reconnecting, which are for connections lost during the transfer.
      await client.me();
      const project = options.platform ? undefined : await projectOption(client, options.project);
      if (options.precheck) await precheck(file);
      const signal = interruptSignal();
      const result = await uploadFile(client, file, {
        metadata: { ...metadataOf(options), ...(project ? { project: project.id } : {}) },
        chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
        limitRate: options.limitRate,
        signal,
        log: (text) => stdio.err(text),
      });
      if (!result.alreadyComplete) {
        const resumed = result.resumedFrom > 0 ? ` (resumed at ${humanBytes(result.resumedFrom)})` : "";
        stdio.err(`Uploaded ${humanBytes(result.size)}: ${humanBytes(result.bytesSent)} sent this run${resumed}.`);
      }
      let image = await waitForChecksum(client, result.imageId, signal);
      if (image.sha256 && image.sha256 !== result.sha256) {
        throw new CliError(
          EXIT.failed,
          `The server's sha256 of ${image.id} (${image.sha256}) differs from the file's (${result.sha256}): the bytes changed on the way or the file changed during the upload.`,
        );
      }
      if (options.wait) image = await waitForValidation(client, image.id, signal);
      if (format === "json")
        stdio.out(JSON.stringify({ ...image, upload: { bytesSent: result.bytesSent, resumedFrom: result.resumedFrom, sha256: result.sha256 } }, null, 2));
      else if (options.wait) stdio.out(imageDetails(image));
      else stdio.out(image.id);
      if (options.wait && image.status === "rejected") throw new CliError(EXIT.failed, `Hangar rejected ${image.name}; the report above says why.`);
      if (!options.wait) stdio.err(`${image.name} is ${image.status}; follow it with: hangar images show ${image.id}`);
    },
  );
}
