import readline from "node:readline/promises";
import type { Command } from "commander";
import type { HangarClient } from "../client";
import { connect } from "../connect";
import { usageError } from "../errors";
import { stdio } from "../output";
import { addOutputOptions, outputFormat } from "../output-format";

/** The token from standard input: one line pasted at a terminal, after a prompt; else everything piped in. */
async function readToken(): Promise<string> {
  if (process.stdin.isTTY) {
    const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
    try {
      return (await prompt.question("Paste an API token from the portal's Settings page (hgr_...): ")).trim();
    } finally {
      prompt.close();
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

const describe = (me: Awaited<ReturnType<HangarClient["me"]>>) =>
  `${me.email} (${me.name}${me.role === "admin" ? ", administrator" : ""})${me.token ? ` with the token "${me.token.name}"${me.token.expiresAt ? `, which expires ${me.token.expiresAt.slice(0, 10)}` : ""}` : ""}`;

export function registerAccountCommands(program: Command): void {
  program
    .command("login")
    .description("check an API token and store it with the server URL in your config file (mode 0600)")
    .requiredOption("--url <url>", "the Hangar portal, e.g. https://hangar.example.com")
    .option("--token <token>", "an API token from the portal's Settings page (hgr_...)")
    .option(
      "--token-stdin",
      "read the token from standard input (at a terminal: paste it when asked), keeping it out of the process list and the shell history",
    )
    .action(async (options: { url: string; token?: string; tokenStdin?: boolean }) => {
      const { normalizeUrl, saveConfig } = await import("../config");
      const url = normalizeUrl(options.url);
      if (!url) throw usageError(`--url must be an http(s) URL, not "${options.url}".`);
      const token = options.tokenStdin ? await readToken() : (options.token ?? process.env.HANGAR_TOKEN);
      if (!token) throw usageError("Give the token with --token, --token-stdin or HANGAR_TOKEN. Create one on the portal's Settings page.");
      const me = await (await connect({ url, token })).me();
      const file = saveConfig({ url, token });
      stdio.out(`Logged in to ${url} as ${describe(me)}.`);
      stdio.out(`Saved to ${file}.`);
    });

  program
    .command("logout")
    .description("forget the stored server URL and token (the token stays valid until revoked on Settings)")
    .action(async () => {
      const { configPath, removeConfig } = await import("../config");
      const file = removeConfig();
      stdio.out(file ? `Removed ${file}. Revoke the token on the portal's Settings page if it may have leaked.` : `Not logged in (no ${configPath()}).`);
    });

  const whoami = program.command("whoami").description("show the user and token the CLI acts as");
  addOutputOptions(whoami, "the server URL with the user and token as GET /api/v1/me answers").action(async (_options: unknown, command: Command) => {
    const format = outputFormat(command);
    const client = await connect();
    const me = await client.me();
    stdio.out(format === "json" ? JSON.stringify({ url: client.url, ...me }, null, 2) : `${describe(me)} at ${client.url}`);
  });
}
