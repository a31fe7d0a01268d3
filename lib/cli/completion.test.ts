import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SORT_KEYS } from "../catalog/image";
import { completionScript } from "./completion";
import { buildProgram } from "./main";

// The completion scripts as the shells run them: bash through the generated function with
// COMP_WORDS set as bash sets them, zsh by pressing TAB in an interactive zsh (lib/testing/zsh-complete.zsh).

const program = buildProgram();
let dir: string;
let files: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-completion-"));
  fs.writeFileSync(path.join(dir, "hangar.bash"), completionScript(program, "bash"));
  fs.mkdirSync(path.join(dir, "fpath"));
  fs.writeFileSync(path.join(dir, "fpath", "_hangar"), completionScript(program, "zsh"));
  files = path.join(dir, "files");
  fs.mkdirSync(path.join(files, "images"), { recursive: true });
  for (const name of ["disk.qcow2", "data.raw", "my disk.img"]) fs.writeFileSync(path.join(files, name), "");
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: files, encoding: "utf8", timeout: 30_000 });
  if (result.error) throw new Error(`${command} could not run (${result.error.message}); the tests need bash and zsh installed.`);
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

/** COMPREPLY after bash calls the completion function for `words` (the last one being completed). */
function bash(...words: string[]): string[] {
  const script = `source ${JSON.stringify(path.join(dir, "hangar.bash"))}\nCOMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))\n_hangar\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
  return run("bash", ["--norc", "--noprofile", "-c", script, "bash", ...words])
    .split("\n")
    .filter(Boolean);
}

/** The matches zsh offers for TAB at the end of `line`, with the script loaded from $fpath (or sourced). */
function zsh(line: string, load: "fpath" | "source" = "fpath"): string[] {
  const completion = load === "fpath" ? path.join(dir, "fpath") : path.join(dir, "fpath", "_hangar");
  return run("zsh", ["-f", path.resolve("lib/testing/zsh-complete.zsh"), completion, line])
    .split("\n")
    .filter(Boolean);
}

/** Every command of the program with the words that run it. */
function commands(command: Command = program, words: string[] = []): { words: string[]; command: Command }[] {
  return command.commands.flatMap((sub) => [{ words: [...words, sub.name()], command: sub }, ...commands(sub, [...words, sub.name()])]);
}

const longOptions = (command: Command) => [...command.options.map((option) => option.long), "--help"];

describe("bash", () => {
  it("registers the function for hangar", () => {
    expect(run("bash", ["--norc", "-c", `source ${JSON.stringify(path.join(dir, "hangar.bash"))}; complete -p hangar`]).trim()).toBe(
      "complete -F _hangar hangar",
    );
  });

  it("completes commands and subcommands by prefix", () => {
    expect(bash("hangar", "")).toEqual([...program.commands.map((command) => command.name()), "help"]);
    expect(bash("hangar", "ima")).toEqual(["images"]);
    expect(bash("hangar", "images", "")).toEqual(["ls", "show", "help"]);
    expect(bash("hangar", "completion", "")).toEqual(["bash", "zsh"]);
  });

  it("completes every option of every command", () => {
    for (const { words, command } of commands()) expect(bash("hangar", ...words, "--"), words.join(" ")).toEqual(expect.arrayContaining(longOptions(command)));
    // --shared since projects.
    expect(bash("hangar", "images", "ls", "--s")).toEqual(["--search", "--sort", "--shared"]);
    expect(bash("hangar", "-")).toEqual(["-V", "--version", "-h", "--help"]);
  });

  it("completes option values from their choices, after a space or an =", () => {
    expect(bash("hangar", "images", "ls", "--sort", "")).toEqual([...SORT_KEYS]);
    expect(bash("hangar", "images", "ls", "--sort", "=", "na")).toEqual(["name"]);
    expect(bash("hangar", "inspect", "--output", "")).toEqual(["table", "json"]);
    expect(bash("hangar", "whoami", "--output", "=", "")).toEqual(["table", "json"]);
  });

  it("completes file arguments to local files, spaces included, and nothing it cannot know", () => {
    expect(bash("hangar", "inspect", "").sort()).toEqual(["data.raw", "disk.qcow2", "images", "my disk.img"]);
    expect(bash("hangar", "upload", "d").sort()).toEqual(["data.raw", "disk.qcow2"]);
    // download's --output is where to write the file, not a format.
    expect(bash("hangar", "download", "IMAGE", "--output", "m")).toEqual(["my disk.img"]);
    expect(bash("hangar", "download", "IMAGE", "-o", "da")).toEqual(["data.raw"]);
    expect(bash("hangar", "images", "show", "")).toEqual([]);
    expect(bash("hangar", "set", "IMAGE", "min-ram=2048", "")).toEqual([]);
  });

  it("skips option values when it finds the command: a file named like a command is a file", () => {
    expect(bash("hangar", "upload", "--name", "images", "").sort()).toEqual(["data.raw", "disk.qcow2", "images", "my disk.img"]);
    expect(bash("hangar", "upload", "--name", "=", "images", "d").sort()).toEqual(["data.raw", "disk.qcow2"]);
  });
});

describe("zsh", () => {
  it("completes commands and subcommands, loaded from $fpath or sourced", () => {
    expect(zsh("hangar ")).toEqual([...program.commands.map((command) => command.name()), "help"]);
    expect(zsh("hangar ima")).toEqual(["images"]);
    expect(zsh("hangar ima", "source")).toEqual(["images"]);
    expect(zsh("hangar images ")).toEqual(["ls", "show", "help"]);
  });

  it("completes options, their choices, and files", () => {
    expect(zsh("hangar images ls --s")).toEqual(["--shared", "--search", "--sort"]);
    expect(zsh("hangar images ls --sort ")).toEqual([...SORT_KEYS]);
    expect(zsh("hangar images ls --sort=na")).toEqual(["name"]);
    expect(zsh("hangar upload --output ")).toEqual(["table", "json"]);
    expect(zsh("hangar inspect --")).toEqual(expect.arrayContaining(longOptions(program.commands.find((command) => command.name() === "inspect") as Command)));
    expect(zsh("hangar inspect d")).toEqual(["data.raw", "disk.qcow2"]);
    expect(zsh("hangar download IMAGE --output m")).toEqual(["my\\ disk.img"]);
    expect(zsh("hangar completion ")).toEqual(["bash", "zsh"]);
  });
});
