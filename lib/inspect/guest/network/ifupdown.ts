import type { GuestFs } from "../../fs/guest-fs";
import { emptyScan, type NetworkScan } from "./finding";

const MAIN = "/etc/network/interfaces";
const MAX_FILES = 200;
const MAX_FILE = 1024 * 1024;

/** The files a `source` pattern names; ifupdown allows shell globs, which in practice are "dir/*" or "dir/*.cfg". */
async function expand(guest: GuestFs, pattern: string, relativeTo: string): Promise<string[]> {
  const absolute = pattern.startsWith("/") ? pattern : `${relativeTo}/${pattern}`;
  const slash = absolute.lastIndexOf("/");
  const dir = absolute.slice(0, slash) || "/";
  const name = absolute.slice(slash + 1);
  if (!/[*?[]/.test(name)) return [absolute];
  const regex = new RegExp(
    `^${name
      .replace(/[.+^${}()|\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  );
  return ((await guest.readdir(dir)) ?? [])
    .filter((e) => regex.test(e.name) && !e.name.startsWith("."))
    .map((e) => `${dir}/${e.name}`)
    .sort();
}

/** ifupdown (Debian): `iface NAME inet static` in /etc/network/interfaces and the files it sources. */
export async function scanIfupdown(guest: GuestFs): Promise<NetworkScan> {
  const scan = emptyScan();
  const queue = [MAIN];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_FILES) {
    const path = queue.shift() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const text = await guest.readText(path, MAX_FILE);
    if (text === null) continue;
    for (const raw of text.split("\n")) {
      const words = raw.replace(/#.*/, "").trim().split(/\s+/);
      if (words[0] === "source" && words[1]) queue.push(...(await expand(guest, words[1], "/etc/network")));
      else if (words[0] === "source-directory" && words[1]) queue.push(...(await expand(guest, `${words[1].replace(/\/$/, "")}/*`, "/etc/network")));
      else if (words[0] === "iface" && words.length >= 4 && words[1] !== "lo") {
        const detail = `iface ${words[1]} ${words[2]} ${words[3]}`;
        if (words[3] === "static") scan.findings.push({ kind: "static", path, detail, deletable: path !== MAIN });
        else if (words[3] === "dhcp" || words[3] === "auto") scan.dhcp.push({ path, detail });
      }
    }
  }
  return scan;
}
