import type { GuestFs } from "../fs/guest-fs";

/**
 * The programs a service would run at boot, read from the files on the disk
 * rather than from a package database: a database can list a package whose
 * files were deleted, and a start link can outlive what it starts.
 */

/** Where systemd looks for an ExecStart= without a path, and a shell's usual PATH. */
const SEARCH_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
const MAX_SCRIPT = 1024 * 1024;

export interface Program {
  /** The program's guest path (for a bare name that is nowhere, where the first directory of the search path would have it). */
  path: string;
  found: boolean;
}

async function locate(guest: GuestFs, word: string): Promise<Program> {
  if (word.startsWith("/")) return { path: word, found: (await guest.stat(word))?.type === "file" };
  for (const dir of SEARCH_PATH) {
    const path = `${dir}/${word}`;
    if ((await guest.stat(path))?.type === "file") return { path, found: true };
  }
  return { path: `/usr/bin/${word}`, found: false };
}

const unquote = (word: string) => word.replace(/^(["'])(.*)\1$/, "$2");
const basename = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/** The program of each ExecStart= of a unit (systemd.service(5): prefixes such as "-" or "!" dropped). */
export function execStarts(unit: string): string[] {
  const programs: string[] = [];
  for (const raw of unit.split(/\r?\n/)) {
    const match = /^\s*ExecStart\s*=\s*[-@:+!]*\s*(\S+)/.exec(raw);
    if (match) programs.push(unquote(match[1]));
  }
  return programs;
}

/**
 * The words of a shell script with its simple assignments (NAME=value) put
 * in: `DAEMON=/usr/bin/$NAME` and `$DAEMON init` name /usr/bin/cloud-init.
 */
export function scriptWords(script: string): string[] {
  const values = new Map<string, string>();
  const expand = (text: string) => text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => values.get(name) ?? whole);
  const words: string[] = [];
  for (const raw of script.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    const assignment = /^(?:export\s+|local\s+)?([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(line);
    if (assignment) values.set(assignment[1], expand(unquote(assignment[2])));
    for (const word of line.split(/[\s;|&()`]+/)) if (word !== "") words.push(expand(unquote(word)));
  }
  return words;
}

/**
 * What a unit file or init script at `file` would run of `names` (program
 * names such as "cloud-init"): the first word naming one, resolved. With
 * `orFirstExecStart`, a unit that names none gives its first ExecStart (a
 * vendor's wrapper script). Null when the file names none of them.
 */
export async function startedProgram(guest: GuestFs, file: string, names: readonly string[], orFirstExecStart = true): Promise<Program | null> {
  const text = await guest.readText(file, MAX_SCRIPT);
  if (text === null) return null;
  const unit = text.includes("[Service]");
  const candidates = unit ? execStarts(text) : scriptWords(text);
  const named = candidates.find((word) => names.includes(basename(word)));
  if (named) return locate(guest, named);
  const first = unit && orFirstExecStart ? candidates.at(0) : undefined;
  return first ? locate(guest, first) : null;
}

/** The interpreter a script's "#!" line names ("#!/usr/bin/env python3" looks python3 up), or null for a binary. */
export async function interpreterOf(guest: GuestFs, program: string): Promise<Program | null> {
  const head = await guest.open(program).then((file) => file?.read(0, 256) ?? null);
  if (!head || head[0] !== 0x23 || head[1] !== 0x21) return null;
  const line = new TextDecoder().decode(head.subarray(2)).split("\n")[0].trim();
  const [command, argument] = line.split(/\s+/);
  return basename(command) === "env" && argument ? locate(guest, argument) : locate(guest, command);
}

/**
 * The directories Python imports from, for every Python the guest has (dist-packages on Debian, site-packages elsewhere),
 * and those of the environment `interpreter` belongs to (a virtualenv's bin/python3 imports from its own lib/).
 */
async function pythonPaths(guest: GuestFs, interpreter: string): Promise<string[]> {
  const dirs = ["/usr/lib/python3/dist-packages"];
  const environment = interpreter.replace(/\/bin\/[^/]+$/, "");
  const prefixes = ["/usr/lib", "/usr/lib64", "/usr/local/lib", ...(environment !== interpreter && environment !== "/usr" ? [`${environment}/lib`] : [])];
  for (const prefix of prefixes) {
    for (const entry of (await guest.readdir(prefix)) ?? []) {
      if (!/^python[23](\.\d+)?$/.test(entry.name)) continue;
      dirs.push(`${prefix}/${entry.name}/site-packages`, `${prefix}/${entry.name}/dist-packages`);
    }
  }
  return dirs;
}

/** Where the Python package `name` is installed for `interpreter` (its directory with an __init__), or null. */
export async function pythonPackage(guest: GuestFs, name: string, interpreter: string): Promise<string | null> {
  for (const dir of await pythonPaths(guest, interpreter)) {
    const entries = (await guest.readdir(`${dir}/${name}`)) ?? [];
    if (entries.some((entry) => /^__init__\.py[c]?$/.test(entry.name))) return `${dir}/${name}`;
  }
  return null;
}

/** The first place a package would be looked for: what a fix names when it is nowhere. */
export const PYTHON_PACKAGE_HOME = "/usr/lib/python3/dist-packages";
