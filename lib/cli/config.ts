import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { CliError, localFileError } from "./errors";
import { EXIT } from "./exit-codes";

const configSchema = z.object({ url: z.url({ protocol: /^https?$/ }), token: z.string().min(1) });
export type CliConfig = z.infer<typeof configSchema>;
type Environment = Record<string, string | undefined>;

/** $XDG_CONFIG_HOME/hangar/config.json, else ~/.config/hangar/config.json. */
export function configPath(env: Environment = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), ".config");
  return path.join(base, "hangar", "config.json");
}

/** "https://hangar.example.com/" -> "https://hangar.example.com"; null when it is not an http(s) URL. */
export function normalizeUrl(text: string): string | null {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return null;
  }
}

function readFile(file: string): Partial<CliConfig> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    // No file is "not logged in"; a file that cannot be read (EACCES, EISDIR) is a usage error naming it.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw localFileError(error, file) ?? error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(EXIT.usage, `${file} is not valid JSON (damaged or edited by hand); run hangar login again to rewrite it.`);
  }
  const parsed = configSchema.partial().safeParse(json);
  if (!parsed.success) throw new CliError(EXIT.usage, `${file} is not a valid Hangar configuration; run hangar login again to rewrite it.`);
  // Like ssh with its keys: a token others can read is worth a warning.
  if (process.platform !== "win32" && (fs.statSync(file).mode & 0o077) !== 0) {
    process.stderr.write(`hangar: warning: ${file} can be read by other users; run chmod 600 on it.\n`);
  }
  return parsed.data;
}

/** The server and token to use: HANGAR_URL and HANGAR_TOKEN override the config file. */
export function loadConfig(env: Environment = process.env): CliConfig {
  const file = configPath(env);
  const stored = readFile(file);
  const url = env.HANGAR_URL ? normalizeUrl(env.HANGAR_URL) : stored.url;
  const token = env.HANGAR_TOKEN || stored.token;
  if (env.HANGAR_URL && !url) throw new CliError(EXIT.usage, `HANGAR_URL is not an http(s) URL: ${env.HANGAR_URL}`);
  if (!url || !token) {
    throw new CliError(
      EXIT.auth,
      "Not logged in. Run: hangar login --url URL --token TOKEN (or set HANGAR_URL and HANGAR_TOKEN). Create a token on the portal's Settings page.",
    );
  }
  return { url, token };
}

/** Writes the config readable by its owner only (0600, in a 0700 directory), atomically. */
export function saveConfig(config: CliConfig, env: Environment = process.env): string {
  const file = configPath(env);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
  return file;
}

export function removeConfig(env: Environment = process.env): string | null {
  const file = configPath(env);
  if (!fs.existsSync(file)) return null;
  fs.rmSync(file);
  return file;
}
