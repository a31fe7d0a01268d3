import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { testDir } from "./test-dir";

/** An engine started by one of scripts/cluster/*.sh, running until stop(). */
export interface EngineProcess {
  /** The KEY=VALUE lines the script announced before "ready" (DATABASE_URL, HANGAR_S3_ENDPOINT...). */
  settings: Record<string, string>;
  /** What the script printed, for failure messages. */
  log(): string;
  /** SIGTERM to the script, which stops its daemons cleanly; resolves when it has exited. */
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "../..");

/**
 * Runs scripts/cluster/<script> and resolves once it prints "ready". The script gets a parent-death
 * signal (setpriv), and gives one to each of its daemons: if this process dies, even by SIGKILL,
 * the engine stops too.
 */
export function startEngine(script: string, args: string[], timeoutMs = 120_000): Promise<EngineProcess> {
  const child: ChildProcess = spawn("setpriv", ["--pdeathsig", "SIGTERM", "bash", path.join(root, "scripts/cluster", script), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const settings: Record<string, string> = {};
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} was not ready within ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    let pending = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      pending += chunk.toString();
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        const setting = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
        if (setting) settings[setting[1]] = setting[2];
        if (line === "ready") {
          clearTimeout(timer);
          resolve({ settings, log: () => output, stop });
        }
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${signal ?? code}) before it was ready:\n${output}`));
    });
  });
}

/**
 * A new directory for one engine of this test run, `<test dir>/engines/<name>-<pid>`, after removing
 * those of runs that are gone (killed before their teardown).
 */
export function engineDir(name: string): string {
  const engines = path.join(testDir, "engines");
  if (fs.existsSync(engines)) {
    for (const entry of fs.readdirSync(engines)) {
      const pid = Number(/-(\d+)$/.exec(entry)?.[1]);
      if (!pid || pid === process.pid) continue;
      try {
        process.kill(pid, 0);
      } catch {
        fs.rmSync(path.join(engines, entry), { recursive: true, force: true });
      }
    }
  }
  const dir = path.join(engines, `${name}-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
