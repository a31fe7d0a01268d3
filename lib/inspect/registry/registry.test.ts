import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { recordingReader } from "../../testing/file-reader";
import { fixtureReaders } from "../testing/fixture-readers";
import { fixtureFamily } from "../../testing/fixtures";
import { RegistryHive, type RegistryKey } from "./index";

const family = fixtureFamily("registry");

type Exported = Map<string, Map<string, string>>;

/**
 * Perl prints a line holding characters above U+00FF as UTF-8 and any other line as Latin-1 bytes,
 * so hivexregedit's output is decoded line by line the same way.
 */
function perlLines(bytes: Buffer): string[] {
  const lines: string[] = [];
  for (let start = 0; start < bytes.length;) {
    const end = bytes.indexOf(10, start);
    const line = bytes.subarray(start, end < 0 ? bytes.length : end);
    const utf8 = line.toString("utf8");
    lines.push(!utf8.includes("\ufffd") && /[^\u0000-\u00ff]/.test(utf8) ? utf8 : line.toString("latin1"));
    start = end < 0 ? bytes.length : end + 1;
  }
  return lines;
}

/** hivexregedit --export's view: key path -> value name ("" for the default) -> "type:hex bytes". */
function parseExport(bytes: Buffer): Exported {
  const keys: Exported = new Map();
  let current: Map<string, string> | null = null;
  for (const line of perlLines(bytes)) {
    const key = /^\[(.*)\]$/.exec(line);
    if (key) {
      current = new Map();
      keys.set(key[1] === "\\" ? "" : key[1], current);
      continue;
    }
    const value = /^(@|"((?:[^"\\]|\\.)*)")=(dword:([0-9a-f]{8})|hex(?:\(([0-9a-f]+)\))?:([0-9a-f,]*))$/.exec(line);
    if (!value || !current) continue;
    const name = value[1] === "@" ? "" : value[2].replace(/\\(.)/g, "$1");
    if (value[4]) {
      const dword = Number.parseInt(value[4], 16);
      current.set(name, `4:${Buffer.from(Uint32Array.of(dword).buffer).toString("hex")}`);
    } else {
      // "hex:" without a type is REG_BINARY.
      current.set(name, `${value[5] ? Number.parseInt(value[5], 16) : 3}:${value[6].replace(/,/g, "")}`);
    }
  }
  return keys;
}

/** The reader's view of the same hive, walked from the root (bounded, as a test walk must be). */
async function exportHive(hive: RegistryHive): Promise<Exported> {
  const keys: Exported = new Map();
  const visit = async (key: RegistryKey, path: string, depth: number) => {
    const values = new Map<string, string>();
    for (const value of await key.values()) values.set(value.name, `${value.kind}:${Buffer.from(value.raw).toString("hex")}`);
    keys.set(path, values);
    if (depth > 16) return;
    for (const child of await key.subkeys()) await visit(child, `${path}\\${child.name}`, depth + 1);
  };
  await visit(hive.root(), "", 0);
  return keys;
}

const open = fixtureReaders(family);

describe.skipIf(family.skipped)("registry hive reader against hivex (hivexregedit --export of the same files)", () => {
  for (const name of ["hivex", "crafted"]) {
    it(`${name}.hive: every key, value name, type and data byte as hivex reads them`, async () => {
      const hive = await RegistryHive.open(open(`${name}.hive`), name);
      const mine = await exportHive(hive);
      const theirs = parseExport(fs.readFileSync(family.file(`${name}.export`)));
      expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
      for (const [path, values] of theirs) expect(Object.fromEntries(mine.get(path) ?? []), path).toEqual(Object.fromEntries(values));
    });
  }

  it("hivex.hive: values decoded by type, names compared without case, a lookup reads a few cells of an 11 MiB hive", async () => {
    const recorded = recordingReader(open("hivex.hive"));
    const hive = await RegistryHive.open(recorded, "SOFTWARE");
    expect(hive.header).toMatchObject({ major: 1, minor: 5, dirty: false });
    const types = await hive.key("TYPES");
    if (!types) throw new Error("Types is missing");
    expect(await types.string("")).toBe("the default");
    expect(await types.string("text")).toBe("hello, world");
    expect(await types.string("Expand")).toBe("%ProgramFiles%\\Vendor");
    expect((await types.value("Multi"))?.data).toEqual({ type: "REG_MULTI_SZ", value: ["one", "two"] });
    expect(await types.dword("DWORD")).toBe(42);
    expect((await types.value("Qword"))?.data).toEqual({ type: "REG_QWORD", value: 0x0123456789abcdefn });
    expect((await types.value("Binary"))?.data).toEqual({ type: "REG_BINARY", value: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) });
    expect(await types.dword("Text")).toBeNull();
    expect(await types.value("absent")).toBeNull();
    expect(await (await hive.key("nested\\DEEPER\\deepest"))?.dword("here")).toBe(1);
    expect(await hive.key("Names\\STRASSE")).toBeNull();
    expect(await (await hive.key("Names\\STRAßE"))?.value("wert")).not.toBeNull();
    const before = recorded.bytesRead();
    expect(await (await hive.key("Many\\key1234"))?.dword("N")).toBe(1234);
    expect(recorded.bytesRead() - before).toBeLessThan(64 * 1024);
    expect(await hive.key("Many\\Key9999")).toBeNull();
  });

  it("crafted.hive: ri index roots over li and lh lists, lf hints, UTF-16 names and big-data values", async () => {
    const hive = await RegistryHive.open(open("crafted.hive"), "crafted");
    expect(await (await hive.key("indexroot\\CHILD007"))?.dword("Index")).toBe(7);
    expect((await (await hive.key("IndexRoot"))?.subkeys())?.map((k) => k.name)).toHaveLength(14);
    expect(await hive.key("HashedRoot\\sub11")).not.toBeNull();
    expect(await hive.key("HashedRoot\\Sub12")).toBeNull();
    expect(await (await hive.key("Unicode\\КЛЮЧ"))?.string("значение")).toBe("текст");
    const big = await (await hive.key("Values"))?.value("Big");
    expect(big?.raw.length).toBe(40000);
    expect(big?.raw.every((byte, i) => byte === ((i * 7) & 0xff))).toBe(true);
    expect(await (await hive.key("Values"))?.string("Empty")).toBe("");
  });
});
