import type { GuestFs } from "../fs/guest-fs";

/** What the guest says it is, from the first release file that answers. */
export interface OsIdentity {
  /** os-release ID (lowercase), e.g. "debian", "rhel", "ubuntu", "opensuse-leap". */
  id: string;
  /** os-release ID_LIKE, split, e.g. ["rhel", "centos", "fedora"]. */
  idLike: string[];
  version: string | null;
  prettyName: string | null;
  /** The file it came from. */
  source: string;
}

/**
 * Parses os-release(5) (also lsb-release, which shares the syntax): KEY=value
 * lines where the value may be shell-quoted. Only the quoting that file allows
 * is understood: double quotes with \" \\ \$ \` escapes, single quotes, bare words.
 */
export function parseShellAssignments(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    values.set(match[1], unquote(match[2]));
  }
  return values;
}

function unquote(value: string): string {
  let out = "";
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c === '"') {
      i++;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === "\\" && i + 1 < value.length && '"\\$`'.includes(value[i + 1])) i++;
        out += value[i++];
      }
      i++;
    } else if (c === "'") {
      const end = value.indexOf("'", i + 1);
      out += value.slice(i + 1, end === -1 ? undefined : end);
      i = end === -1 ? value.length : end + 1;
    } else if (c === "\\" && i + 1 < value.length) {
      out += value[i + 1];
      i += 2;
    } else if (/\s/.test(c) || c === "#") {
      break;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** "Red Hat Enterprise Linux release 9.3 (Plow)" and its relatives, mapped to os-release IDs. */
const RELEASE_NAMES: [RegExp, string, string[]][] = [
  [/^Red Hat Enterprise Linux/i, "rhel", ["fedora"]],
  [/^CentOS Stream/i, "centos", ["rhel", "fedora"]],
  [/^CentOS/i, "centos", ["rhel", "fedora"]],
  [/^Rocky/i, "rocky", ["rhel", "centos", "fedora"]],
  [/^AlmaLinux/i, "almalinux", ["rhel", "centos", "fedora"]],
  [/^Oracle Linux/i, "ol", ["fedora"]],
  [/^Fedora/i, "fedora", []],
  [/^Amazon Linux/i, "amzn", ["centos", "rhel", "fedora"]],
  [/^Scientific Linux/i, "scientific", ["rhel", "fedora"]],
  [/^openSUSE/i, "opensuse", ["suse"]],
  [/^SUSE Linux Enterprise/i, "sles", ["suse"]],
];

export function parseRedhatRelease(text: string, source: string): OsIdentity | null {
  const line = text
    .split(/\r?\n/)
    .find((l) => l.trim() !== "")
    ?.trim();
  if (!line) return null;
  const known = RELEASE_NAMES.find(([pattern]) => pattern.test(line));
  const version = /release\s+([0-9][0-9.]*)/i.exec(line)?.[1] ?? /\b([0-9]+(?:\.[0-9]+)*)\b/.exec(line)?.[1] ?? null;
  return {
    id: known?.[1] ?? line.split(/\s+/)[0].toLowerCase(),
    idLike: known?.[2] ?? [],
    version,
    prettyName: line,
    source,
  };
}

function fromOsRelease(values: Map<string, string>, source: string): OsIdentity | null {
  const id = values.get("ID")?.toLowerCase() || null;
  const name = values.get("NAME") || null;
  if (!id && !name) return null;
  const version = values.get("VERSION_ID") || null;
  return {
    id: id ?? (name as string).toLowerCase().split(/\s+/)[0],
    idLike: (values.get("ID_LIKE") ?? "").toLowerCase().split(/\s+/).filter(Boolean),
    version,
    prettyName: values.get("PRETTY_NAME") || [name, values.get("VERSION") ?? version].filter(Boolean).join(" ") || null,
    source,
  };
}

function fromLsbRelease(values: Map<string, string>, source: string): OsIdentity | null {
  const id = values.get("DISTRIB_ID");
  if (!id) return null;
  return {
    id: id.toLowerCase(),
    idLike: [],
    version: values.get("DISTRIB_RELEASE") || null,
    prettyName: values.get("DISTRIB_DESCRIPTION") || null,
    source,
  };
}

/** /etc/debian_version holds "12.5", or "trixie/sid" on testing. */
function fromDebianVersion(text: string, source: string): OsIdentity | null {
  const value = text.trim().split(/\r?\n/)[0]?.trim();
  if (!value) return null;
  const numeric = /^[0-9]+(\.[0-9]+)*$/.test(value);
  return {
    id: "debian",
    idLike: [],
    version: numeric ? value.split(".")[0] : value,
    prettyName: `Debian GNU/Linux ${value}`,
    source,
  };
}

const MAX_RELEASE_FILE = 64 * 1024;

/**
 * The distribution, from os-release (/etc first, then /usr/lib, as os-release(5)
 * says), else lsb-release, the Red Hat family's release files, SUSE's, and
 * /etc/debian_version.
 */
export async function readOsIdentity(guest: GuestFs): Promise<OsIdentity | null> {
  for (const path of ["/etc/os-release", "/usr/lib/os-release"]) {
    const text = await guest.readText(path, MAX_RELEASE_FILE);
    const found = text === null ? null : fromOsRelease(parseShellAssignments(text), path);
    if (found) return found;
  }
  const lsb = await guest.readText("/etc/lsb-release", MAX_RELEASE_FILE);
  const fromLsb = lsb === null ? null : fromLsbRelease(parseShellAssignments(lsb), "/etc/lsb-release");
  if (fromLsb) return fromLsb;
  for (const path of ["/etc/redhat-release", "/etc/centos-release", "/etc/fedora-release", "/etc/system-release", "/etc/SuSE-release"]) {
    const text = await guest.readText(path, MAX_RELEASE_FILE);
    const found = text === null ? null : parseRedhatRelease(text, path);
    if (found) return found;
  }
  const debian = await guest.readText("/etc/debian_version", MAX_RELEASE_FILE);
  return debian === null ? null : fromDebianVersion(debian, "/etc/debian_version");
}
