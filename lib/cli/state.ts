import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Where the CLI keeps state that must survive a reboot (the URLs of unfinished
 * uploads): $XDG_STATE_HOME/hangar, else ~/.local/state/hangar.
 */
export function stateDir(env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), ".local", "state");
  const dir = path.join(base, "hangar");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
