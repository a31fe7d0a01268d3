import fs from "node:fs";
import type { Command } from "commander";
import { humanBytes } from "../../units";
import type { HangarClient, ImageImport } from "../client";
import { connect } from "../connect";
import { CliError, usageError } from "../errors";
import { EXIT } from "../exit-codes";
import { interruptSignal } from "../interrupt";
import { imageDetails, stdio } from "../output";
import { addOutputOptions, outputFormat } from "../output-format";
import { projectFlag, projectOption } from "./projects";
import { familyOf } from "./upload";

interface ImportCommandOptions {
  name?: string;
  description?: string;
  platform?: boolean;
  sha256?: string;
  sha512?: string;
  checksumUrl?: string;
  signatureUrl?: string;
  signingKey?: string;
  project?: string;
  family?: string;
  wait?: boolean;
}

/** The API's import request from the options; the server validates every field. */
function requestOf(url: string, options: ImportCommandOptions): Record<string, string> {
  if ([options.sha256, options.sha512, options.checksumUrl].filter(Boolean).length > 1) throw usageError("Give one of --sha256, --sha512 and --checksum-url.");
  const entries: [string, string | undefined][] = [
    ["url", url],
    ["name", options.name],
    ["description", options.description],
    ["visibility", options.platform ? "platform" : undefined],
    ["checksum", options.sha256 ? `sha256:${options.sha256}` : options.sha512 ? `sha512:${options.sha512}` : undefined],
    ["checksumUrl", options.checksumUrl],
    ["signatureUrl", options.signatureUrl],
    ["signingKey", options.signingKey === undefined ? undefined : readKeyFile(options.signingKey)],
    ...familyOf(options.family),
  ];
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** A signing key is a local file: the server gets its text. */
function readKeyFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw usageError(`--signing-key: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

const ENDED = new Set(["done", "failed", "cancelled"]);

/** Follows the import until it ends, a line of progress on a terminal; Ctrl-C stops following (the server goes on). */
async function follow(client: HangarClient, started: ImageImport, signal: AbortSignal): Promise<ImageImport> {
  const { TransferMeter, humanDuration } = await import("../../uploads/transfer-meter");
  const meter = new TransferMeter();
  let current = started;
  while (!ENDED.has(current.status)) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    if (signal.aborted)
      throw new CliError(EXIT.interrupted, `Stopped following; the server goes on importing. Follow it with: hangar images show ${current.imageId ?? ""}`);
    current = await client.getImport(current.id);
    meter.sample(current.received, Date.now());
    if (process.stderr.isTTY) {
      const rate = meter.bytesPerSecond;
      const left = current.total === null ? null : meter.secondsLeft(current.total);
      const of = current.total === null ? "" : ` of ${humanBytes(current.total)}`;
      process.stderr.write(
        `\r\x1b[K${current.status} ${humanBytes(current.received)}${of}${rate ? `, ${humanBytes(rate)}/s` : ""}${left === null ? "" : `, ${humanDuration(left)} left`}`,
      );
    }
  }
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  return current;
}

export function registerImportCommand(program: Command): void {
  const command = program
    .command("import")
    .description("make an image of a file on a web server: the server downloads it, unpacks .gz .xz .bz2 .zst .tar .ova, verifies and validates it")
    .argument("<url>", "an http or https URL")
    .option("--sha256 <hex>", "the file's published SHA-256")
    .option("--sha512 <hex>", "the file's published SHA-512")
    .option("--checksum-url <url>", "a SHA256SUMS, SHA512SUMS or CHECKSUM file listing the file; a clear-signed one's signature is verified")
    .option("--signature-url <url>", "with --checksum-url: its detached OpenPGP signature (SHA256SUMS.sign, SHA256SUMS.gpg)")
    .option("--signing-key <file>", "with --checksum-url: an OpenPGP public key (armored) to trust for its signature, besides the server's")
    .option("--name <name>", "the image's name (default: the file name without its extensions)")
    .option("--description <text>", "a description")
    .option("--platform", "import to the platform catalog (administrators)")
    .addOption(projectFlag())
    .option("--family <family@version>", "add the image as this version of a family, e.g. debian-12-golden@2026.12.06")
    .option("--wait", "wait for validation too and print the image; exit 1 if it is rejected");
  addOutputOptions(command, "the import (or the image with --wait) instead of the image's id").action(
    async (url: string, options: ImportCommandOptions, self: Command) => {
      const format = outputFormat(self);
      const request = requestOf(url, options);
      const client = await connect();
      const project = options.platform ? undefined : await projectOption(client, options.project);
      if (project) request.project = project.id;
      const signal = interruptSignal();
      const started = await client.createImport(request);
      stdio.err(`Importing ${started.fileName} into image ${started.imageId ?? ""} (import ${started.id}).`);
      const ended = await follow(client, started, signal);
      if (ended.status !== "done")
        throw new CliError(EXIT.failed, `The import ${ended.status === "cancelled" ? "was cancelled" : "failed"}: ${ended.message ?? ""}`);
      stdio.err(
        `Imported ${humanBytes(ended.received)}${ended.packing ? ` (${ended.packing}, unpacked)` : ""}${ended.checksum ? `, ${ended.checksum.split(":")[0]} verified` : ""}.`,
      );
      const imageId = ended.imageId ?? "";
      if (options.wait) {
        const { waitForValidation } = await import("../upload");
        const image = await waitForValidation(client, imageId, signal);
        stdio.out(format === "json" ? JSON.stringify(image, null, 2) : imageDetails(image));
        if (image.status === "rejected") throw new CliError(EXIT.failed, `Hangar rejected ${image.name}; the report above says why.`);
        return;
      }
      stdio.out(format === "json" ? JSON.stringify(ended, null, 2) : imageId);
      stdio.err(`Follow its validation with: hangar images show ${imageId}`);
    },
  );
}
