import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { connect } from "../connect";
import { stdio } from "../output";

interface ExportOptions {
  actor?: string;
  action?: string;
  objectType?: string;
  object?: string;
  from?: string;
  to?: string;
  output?: string;
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command("audit").description("the audit trail (administrators; project owners for their projects)");
  audit
    .command("export")
    .description("every matching event as JSON lines, oldest first, streamed (to standard output unless -o)")
    .option("--actor <email>", "events by this user (email or id)")
    .option("--action <action>", "an action (image.rename) or every action of a kind (image)")
    .option("--object-type <type>", "events about this kind of object: session, user, token, image, project, membership, share")
    .option("--object <ref>", "events about this object: its id, or its name or email as it was then")
    .option("--from <time>", "from this day (2026-12-01, UTC) or time (2026-12-01T09:00:00Z)")
    .option("--to <time>", "until this day (included) or time (excluded)")
    .option("-o, --output <file>", "write to this file instead of standard output")
    .action(async (options: ExportOptions) => {
      const client = await connect();
      const { output, objectType, ...filters } = options;
      const query = new URLSearchParams({ ...filters, ...(objectType ? { objectType } : {}), format: "jsonl" });
      const response = await client.fetch(`/audit?${query}`);
      if (!response.ok || !response.body) {
        const { errorFrom } = await import("../client");
        throw await errorFrom(response);
      }
      const target = output ? fs.createWriteStream(output) : process.stdout;
      await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>), target);
      if (output) stdio.err(`Wrote ${output}.`);
    });
}
