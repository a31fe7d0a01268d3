import { InspectError } from "../../errors";

/**
 * The LVM2 text format ("Text Format Volume Group", libdm's config syntax):
 * `key = value` and `name { ... }` sections, values that are numbers,
 * "double-quoted" strings (\" and \\ escapes), 'single-quoted' strings, bare
 * words, or `[ ... ]` lists of them; `#` starts a comment. The tokenizer
 * follows libdm-config.c so that what LVM reads, this reads the same way:
 * a NUL ends the text, a repeated section merges into the first, a repeated
 * value replaces the earlier one. Anything else is an InspectError.
 */

export type ConfigScalar = number | string;
export type ConfigValue = ConfigScalar | ConfigScalar[];

export interface ConfigSection {
  /** Keys in the order they first appear. */
  readonly entries: Map<string, ConfigValue | ConfigSection>;
}

export const isSection = (value: ConfigValue | ConfigSection | undefined): value is ConfigSection => typeof value === "object" && !Array.isArray(value);

export interface ConfigLimits {
  /** Deepest nesting of sections (real metadata uses 4). */
  maxDepth: number;
  /** Most sections, values and list items in total. */
  maxNodes: number;
}

const defaultLimits: ConfigLimits = { maxDepth: 16, maxNodes: 1 << 20 };

type TokenType =
  "sectionBegin" | "sectionEnd" | "arrayBegin" | "arrayEnd" | "comma" | "equals" | "escaped" | "quoted" | "int" | "float" | "identifier" | "bare" | "eof";

interface Token {
  type: TokenType;
  begin: number;
  end: number;
}

const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

class Parser {
  private position = 0;
  private token: Token = { type: "eof", begin: 0, end: 0 };
  private nodes = 0;
  private readonly text: string;

  constructor(
    text: string,
    private readonly limits: ConfigLimits,
  ) {
    // A NUL ends the text for libdm too; metadata on disk ends with one.
    const nul = text.indexOf("\0");
    this.text = nul >= 0 ? text.slice(0, nul) : text;
    this.next(false);
  }

  parseFile(): ConfigSection {
    const root: ConfigSection = { entries: new Map() };
    while (this.type() !== "eof") this.parseEntry(root, 1);
    return root;
  }

  /** The current token's type (a method, so TypeScript does not narrow it across next()). */
  private type(): TokenType {
    return this.token.type;
  }

  private fail(message: string): never {
    const line = this.text.slice(0, this.token.begin).split("\n").length;
    throw new InspectError("corrupt", `The LVM metadata text is malformed at line ${line}: ${message}.`);
  }

  private count(): void {
    if (++this.nodes > this.limits.maxNodes) {
      throw new InspectError("limit", `The LVM metadata text has more than ${this.limits.maxNodes} entries.`);
    }
  }

  private parseEntry(parent: ConfigSection, depth: number): void {
    const key = this.keyText();
    if (key.length === 0) this.fail("an empty section name");
    this.count();
    this.next(false);
    if (this.type() === "sectionBegin") {
      if (depth > this.limits.maxDepth) {
        throw new InspectError("limit", `The LVM metadata text nests sections deeper than ${this.limits.maxDepth}.`);
      }
      const existing = parent.entries.get(key);
      if (existing !== undefined && !isSection(existing)) this.fail(`"${key}" is both a value and a section`);
      const section: ConfigSection = existing ?? { entries: new Map() };
      parent.entries.set(key, section);
      this.next(false);
      while (this.type() !== "sectionEnd") {
        if (this.type() === "eof") this.fail(`section "${key}" is not closed`);
        this.parseEntry(section, depth + 1);
      }
      this.next(false);
      return;
    }
    if (this.type() !== "equals") this.fail(`"${key}" is followed by neither "=" nor "{"`);
    this.next(true);
    const value = this.parseValue();
    const existing = parent.entries.get(key);
    if (isSection(existing)) this.fail(`"${key}" is both a section and a value`);
    parent.entries.set(key, value);
  }

  private parseValue(): ConfigValue {
    if (this.type() !== "arrayBegin") return this.parseScalar();
    const items: ConfigScalar[] = [];
    this.next(true);
    while (this.type() !== "arrayEnd") {
      items.push(this.parseScalar());
      if (this.type() === "comma") this.next(true);
    }
    this.next(false);
    return items;
  }

  /** Reads one scalar and moves past it (the next token is not a value position). */
  private parseScalar(): ConfigScalar {
    this.count();
    const { type, begin, end } = this.token;
    let value: ConfigScalar;
    switch (type) {
      case "int":
        value = parseInteger(this.text.slice(begin, end), (message) => this.fail(message));
        break;
      case "float": {
        const number = Number.parseFloat(this.text.slice(begin, end));
        value = Number.isFinite(number) ? number : 0;
        break;
      }
      case "escaped":
        value = unescapeDoubleQuoted(this.text.slice(begin + 1, end - 1));
        break;
      case "quoted":
        value = this.text.slice(begin + 1, end - 1);
        break;
      case "bare":
        value = this.text.slice(begin, end);
        break;
      default:
        this.fail("expected a value");
    }
    this.next(false);
    return value;
  }

  private keyText(): string {
    const { type, begin, end } = this.token;
    if (type === "escaped") return unescapeDoubleQuoted(this.text.slice(begin + 1, end - 1));
    if (type === "quoted") return this.text.slice(begin + 1, end - 1);
    if (type === "identifier") return this.text.slice(begin, end);
    this.fail("expected a name");
  }

  /** libdm's _get_token: `valuesAllowed` after "=", "[" and ",". */
  private next(valuesAllowed: boolean): void {
    const text = this.text;
    let at = this.skipSpaceAndComments(this.position);
    if (at >= text.length) {
      this.token = { type: "eof", begin: at, end: at };
      this.position = at;
      return;
    }
    const begin = at;
    let type: TokenType;
    const c = text.charCodeAt(at);
    switch (text[at]) {
      case "{":
        type = "sectionBegin";
        at++;
        break;
      case "}":
        type = "sectionEnd";
        at++;
        break;
      case "[":
        type = "arrayBegin";
        at++;
        break;
      case "]":
        type = "arrayEnd";
        at++;
        break;
      case ",":
        type = "comma";
        at++;
        break;
      case "=":
        type = "equals";
        at++;
        break;
      case '"':
        type = "escaped";
        at++;
        while (at < text.length && text[at] !== '"') at += text[at] === "\\" && at + 1 < text.length ? 2 : 1;
        if (at >= text.length) {
          this.token = { type, begin, end: at };
          this.fail("a string is not closed");
        }
        at++;
        break;
      case "'":
        type = "quoted";
        at = text.indexOf("'", at + 1);
        if (at < 0) {
          this.token = { type, begin, end: text.length };
          this.fail("a string is not closed");
        }
        at++;
        break;
      default:
        if (valuesAllowed && (isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) {
          type = c === 0x2e ? "float" : "int";
          at++;
          while (at < text.length) {
            const d = text.charCodeAt(at);
            if (isDigit(d)) at++;
            else if (d === 0x2e && type !== "float") {
              type = "float";
              at++;
            } else break;
          }
        } else {
          type = valuesAllowed ? "bare" : "identifier";
          while (at < text.length) {
            const d = text.charCodeAt(at);
            if (isSpace(d) || d === 0x23 || d === 0x3d || d === 0x7b || d === 0x7d) break;
            at++;
          }
        }
    }
    this.token = { type, begin, end: at };
    this.position = at;
  }

  private skipSpaceAndComments(at: number): number {
    const text = this.text;
    for (;;) {
      while (at < text.length && isSpace(text.charCodeAt(at))) at++;
      if (at >= text.length || text[at] !== "#") return at;
      const newline = text.indexOf("\n", at);
      at = newline < 0 ? text.length : newline;
    }
  }
}

/** strtoll(text, NULL, 0) on what the tokenizer accepts as an integer: sign, digits, a leading 0 means octal. */
function parseInteger(text: string, fail: (message: string) => never): number {
  const sign = text[0] === "-" ? -1 : 1;
  const digits = text[0] === "-" || text[0] === "+" ? text.slice(1) : text;
  let value: number;
  if (digits.length > 1 && digits[0] === "0") {
    // strtoll stops at the first digit that is not octal.
    const rest = digits.slice(1);
    const stop = rest.search(/[^0-7]/);
    const octal = stop < 0 ? rest : rest.slice(0, stop);
    value = octal.length > 0 ? Number.parseInt(octal, 8) : 0;
  } else {
    value = digits.length > 0 ? Number(digits) : 0;
  }
  if (!Number.isSafeInteger(value)) fail(`the number ${text} is too large`);
  return sign * value;
}

/** libdm's dm_unescape_double_quotes: \" and \\ lose their backslash, other backslashes stay. */
const unescapeDoubleQuoted = (text: string) => text.replace(/\\(["\\])/g, "$1");

export function parseConfigText(text: string, limits: Partial<ConfigLimits> = {}): ConfigSection {
  return new Parser(text, { ...defaultLimits, ...limits }).parseFile();
}
