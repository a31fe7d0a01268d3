import type { Argument, Command, Option } from "commander";

// Shell completion scripts generated from the commander program itself, so that a command or an
// option added in lib/cli/commands completes without touching this file. The scripts are static:
// a TAB runs no node process. Values complete from their choices (--output, --sort), to local files
// when the argument or the option's value is named <file>, and to nothing otherwise (an image id, a
// size): the server is not asked.

export const SHELLS = ["bash", "zsh"] as const;
export type Shell = (typeof SHELLS)[number];

/** Argument and option-value names that complete to local files. */
const FILE_VALUES = new Set(["file"]);

/** What a value completes to, and its name (<format>, <file>, <image>) for zsh's message. */
type Values = { name: string } & ({ kind: "words"; words: readonly string[] } | { kind: "files" } | { kind: "none" });

interface OptionSpec {
  names: string[];
  description: string;
  /** null for a flag. */
  value: Values | null;
}

interface ArgumentSpec {
  values: Values;
  variadic: boolean;
  required: boolean;
}

interface CommandSpec {
  /** The words that run it: ["hangar", "images", "ls"]. */
  path: string[];
  summary: string;
  options: OptionSpec[];
  arguments: ArgumentSpec[];
  subcommands: CommandSpec[];
}

function valuesOf(name: string, choices: readonly string[] | undefined): Values {
  if (choices) return { name, kind: "words", words: choices };
  return FILE_VALUES.has(name) ? { name, kind: "files" } : { name, kind: "none" };
}

function optionSpec(option: Option): OptionSpec {
  const valueName = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1];
  return {
    names: [option.short, option.long].filter((name): name is string => Boolean(name)),
    description: option.description,
    value: option.required || option.optional ? valuesOf(valueName ?? "value", option.argChoices) : null,
  };
}

function argumentSpec(argument: Argument): ArgumentSpec {
  return { values: valuesOf(argument.name(), argument.argChoices), variadic: argument.variadic, required: argument.required };
}

/** A description up to its first colon or full stop, for a one-line menu. */
function summaryOf(description: string): string {
  return /^(.*?)(?::\s|\.\s+(?=[A-Z])|\.?$)/.exec(description)?.[1] ?? description;
}

function specOf(command: Command, path: string[]): CommandSpec {
  const help = command.createHelp();
  return {
    path,
    summary: summaryOf(command.summary() || command.description()),
    options: help.visibleOptions(command).map(optionSpec),
    arguments: command.registeredArguments.map(argumentSpec),
    subcommands: help.visibleCommands(command).map((sub) => specOf(sub, [...path, sub.name()])),
  };
}

function flatten(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.subcommands.flatMap(flatten)];
}

// bash ---------------------------------------------------------------------------------------------

const bashWord = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const bashKey = (...words: string[]) => bashWord(words.join(" "));

function bashReply(values: Values): string {
  if (values.kind === "files") return "_hangar_reply_files";
  if (values.kind === "words") return `_hangar_reply_words ${bashWord(values.words.join(" "))}`;
  return ":";
}

function bashScript(root: CommandSpec): string {
  const commands = flatten(root);
  const valueOptions = commands.flatMap((spec) => spec.options.filter((option) => option.value).map((option) => ({ spec, option })));
  const key = (spec: CommandSpec, word: string) => bashKey(...spec.path, word);
  const lines: string[] = [];
  lines.push(`# bash completion for ${root.path[0]}. Load it in ~/.bashrc with:  source <(${root.path[0]} completion bash)`);
  // Read line by line: a file name may hold spaces or glob characters (and bash 3.2 has no mapfile).
  lines.push(`_hangar_reply() { COMPREPLY=(); local match; while IFS= read -r match; do COMPREPLY+=("$match"); done; }`);
  lines.push(`_hangar_reply_words() { _hangar_reply < <(compgen -W "$1" -- "$cur"); }`);
  lines.push(`_hangar_reply_files() { compopt -o filenames 2>/dev/null; _hangar_reply < <(compgen -f -- "$cur"); }`);
  lines.push("_hangar() {");
  lines.push("  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}");
  lines.push("  # bash splits --option=value at the '='.");
  lines.push('  [[ $cur == = ]] && cur=""');
  lines.push("  [[ $prev == = ]] && prev=${COMP_WORDS[COMP_CWORD-2]}");
  lines.push(`  local path=${root.path[0]} positional=0 skip=0 i word`);
  lines.push("  for ((i = 1; i < COMP_CWORD; i++)); do");
  lines.push("    word=${COMP_WORDS[i]}");
  lines.push("    if [[ $word == = ]]; then skip=1; continue; fi");
  lines.push("    if ((skip)); then skip=0; continue; fi");
  lines.push('    case "$path $word" in');
  if (valueOptions.length) lines.push(`      ${valueOptions.flatMap(({ spec, option }) => option.names.map((name) => key(spec, name))).join("|")}) skip=1 ;;`);
  lines.push("      *\\ -*) ;;");
  const parents = commands.flatMap((spec) => spec.subcommands.map((sub) => key(spec, sub.path[sub.path.length - 1] ?? "")));
  if (parents.length) lines.push(`      ${parents.join("|")}) path="$path $word"; positional=0 ;;`);
  lines.push("      *) ((positional++)) ;;");
  lines.push("    esac");
  lines.push("  done");
  lines.push('  case "$path $prev" in');
  for (const { spec, option } of valueOptions)
    lines.push(`    ${option.names.map((name) => key(spec, name)).join("|")}) ${bashReply(option.value as Values)}; return ;;`);
  lines.push("  esac");
  lines.push("  if [[ $cur == -* ]]; then");
  lines.push('    case "$path" in');
  for (const spec of commands)
    lines.push(`      ${bashKey(...spec.path)}) _hangar_reply_words ${bashWord(spec.options.flatMap((option) => option.names).join(" "))} ;;`);
  lines.push("    esac");
  lines.push("    return");
  lines.push("  fi");
  lines.push('  case "$path $positional" in');
  for (const spec of commands) {
    if (spec.subcommands.length) {
      lines.push(`    ${key(spec, "0")}) _hangar_reply_words ${bashWord(spec.subcommands.map((sub) => sub.path[sub.path.length - 1]).join(" "))} ;;`);
      continue;
    }
    spec.arguments.forEach((argument, index) => {
      lines.push(`    ${argument.variadic ? `${bashKey(...spec.path)}\\ *` : key(spec, String(index))}) ${bashReply(argument.values)} ;;`);
    });
  }
  lines.push("  esac");
  lines.push("}");
  lines.push(`complete -F _hangar ${root.path[0]}`);
  return `${lines.join("\n")}\n`;
}

// zsh ----------------------------------------------------------------------------------------------

const zshQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
/** Text inside an _arguments [explanation] or after the colon of a _describe item. */
const zshExplanation = (text: string) => text.replace(/\\/g, "\\\\").replace(/\[/g, "\\[").replace(/\]/g, "\\]");
const zshMessage = (text: string) => text.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
const zshFunction = (spec: CommandSpec) => `_${spec.path.join("_").replace(/[^\w]/g, "_")}`;

function zshAction(values: Values): string {
  if (values.kind === "files") return "_files";
  if (values.kind === "words") return `(${values.words.join(" ")})`;
  return " ";
}

function zshOption(option: OptionSpec): string {
  const explanation = `[${zshExplanation(option.description)}]`;
  const value = option.value ? `:${zshMessage(option.value.name)}:${zshAction(option.value)}` : "";
  const exclusive = option.names.length > 1 ? `(${option.names.join(" ")})` : "";
  // A value may follow in the same word (-ofile, --output=file) or as the next one.
  const names = option.names.map((name) => (option.value ? `${name}${name.startsWith("--") ? "=" : "+"}` : name));
  if (names.length === 1) return zshQuote(`${exclusive}${names[0]}${explanation}${value}`);
  return `${zshQuote(exclusive)}{${names.join(",")}}${zshQuote(`${explanation}${value}`)}`;
}

function zshArgument(argument: ArgumentSpec, index: number): string {
  const message = zshMessage(argument.values.name);
  const position = argument.variadic ? "*" : String(index + 1);
  return zshQuote(`${position}${argument.required || argument.variadic ? "" : ":"}:${message}:${zshAction(argument.values)}`);
}

function zshCommandFunction(spec: CommandSpec): string {
  const specs = spec.options.map(zshOption);
  const lines = [`${zshFunction(spec)}() {`];
  if (!spec.subcommands.length) {
    specs.push(...spec.arguments.map(zshArgument));
    lines.push(`  _arguments -s ${specs.join(" \\\n    ")}`, "}");
    return lines.join("\n");
  }
  lines.push("  local curcontext=$curcontext state line", "  typeset -A opt_args");
  lines.push(`  _arguments -C ${[...specs, "': :->command'", "'*:: :->argument'"].join(" \\\n    ")}`);
  lines.push("  case $state in");
  lines.push("    command)");
  const items = spec.subcommands.map((sub) => zshQuote(`${zshMessage(sub.path[sub.path.length - 1] ?? "")}:${zshExplanation(sub.summary)}`));
  lines.push(`      local -a commands=(${items.join(" ")})`);
  lines.push(`      _describe -t commands ${zshQuote(`${spec.path.join(" ")} command`)} commands ;;`);
  lines.push("    argument)");
  lines.push("      case $line[1] in");
  for (const sub of spec.subcommands) lines.push(`        ${zshQuote(sub.path[sub.path.length - 1] ?? "")}) ${zshFunction(sub)} ;;`);
  lines.push("      esac ;;");
  lines.push("  esac", "}");
  return lines.join("\n");
}

function zshScript(root: CommandSpec): string {
  const name = root.path[0] ?? "hangar";
  const header = [
    `#compdef ${name}`,
    `# zsh completion for ${name}. Save it as _${name} in a directory of $fpath (${name} completion zsh > "\${fpath[1]}/_${name}"),`,
    `# or load it in ~/.zshrc after compinit with:  source <(${name} completion zsh)`,
  ];
  const functions = flatten(root).map(zshCommandFunction);
  // Autoloaded from $fpath, the file is the body of _hangar, which the definitions above replace: call
  // the new one. Sourced, register it.
  const footer = [`if [[ $funcstack[1] == _${name} ]]; then`, `  _${name} "$@"`, "else", `  compdef _${name} ${name}`, "fi"];
  return `${[...header, ...functions, ...footer].join("\n")}\n`;
}

/** The completion script of `program` for `shell`. */
export function completionScript(program: Command, shell: Shell): string {
  const root = specOf(program, [program.name()]);
  return shell === "bash" ? bashScript(root) : zshScript(root);
}
