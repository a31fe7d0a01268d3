import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  /** What runs, before `args`: by default the checkout's bin (node scripts/hangar.mjs); the bundle, or script(1) around it. */
  command?: string[];
}

/** The `hangar` bin as a user runs it: a child process with its own environment. */
export function startCli(args: string[], options: CliOptions = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const env = {} as NodeJS.ProcessEnv;
  for (const [key, value] of Object.entries({ ...process.env, HANGAR_URL: undefined, HANGAR_TOKEN: undefined, ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  const [program = process.execPath, ...before] = options.command ?? [process.execPath, path.resolve("scripts/hangar.mjs")];
  const child = spawn(program, [...before, ...args], { env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(options.input ?? "");
  const done = new Promise<CliRun>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return startCli(args, options).done;
}
