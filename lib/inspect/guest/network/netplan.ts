import { parse } from "yaml";
import type { GuestFs } from "../../fs/guest-fs";
import { emptyScan, type NetworkScan } from "./finding";

/** netplan reads /lib, /etc and /run (a file in /etc hides one of the same name in /lib) in the lexical order of the file names. */
const DIRS = ["/lib/netplan", "/usr/lib/netplan", "/etc/netplan"];
const DEVICE_TYPES = ["ethernets", "bonds", "bridges", "vlans", "wifis", "tunnels", "vrfs"];
const MAX_FILE = 1024 * 1024;

type Yaml = Record<string, unknown>;
const isMap = (value: unknown): value is Yaml => typeof value === "object" && value !== null && !Array.isArray(value);
const truthy = (value: unknown) => value === true || (typeof value === "string" && ["true", "yes", "on", "y"].includes(value.toLowerCase()));

/** netplan YAML: per device, `addresses` (static), `dhcp4`/`dhcp6`, `match: macaddress` and `set-name` (pinned to a MAC). */
export async function scanNetplan(guest: GuestFs): Promise<NetworkScan> {
  const scan = emptyScan();
  const files = new Map<string, string>();
  for (const dir of DIRS) {
    for (const entry of (await guest.readdir(dir)) ?? []) if (entry.name.endsWith(".yaml")) files.set(entry.name, `${dir}/${entry.name}`);
  }
  for (const path of [...files.keys()].sort().map((name) => files.get(name) as string)) {
    const text = await guest.readText(path, MAX_FILE);
    if (text === null) continue;
    let document: unknown;
    try {
      // Aliases are bounded so a "billion laughs" file cannot blow up.
      document = parse(text, { maxAliasCount: 100, prettyErrors: false });
    } catch {
      continue;
    }
    const network = isMap(document) && isMap(document.network) ? document.network : null;
    if (!network) continue;
    for (const type of DEVICE_TYPES) {
      const devices = network[type];
      if (!isMap(devices)) continue;
      for (const [id, device] of Object.entries(devices)) {
        if (!isMap(device)) continue;
        const addresses = Array.isArray(device.addresses) ? device.addresses : [];
        if (addresses.length > 0) {
          scan.findings.push({ kind: "static", path, detail: `${id}: addresses ${addresses.map(String).join(", ")}`, deletable: true });
        } else if (truthy(device.dhcp4) || truthy(device.dhcp6)) {
          scan.dhcp.push({ path, detail: `${id}: dhcp4` });
        }
        const match = isMap(device.match) ? device.match : null;
        if (match && typeof match.macaddress === "string") {
          const rename = typeof device["set-name"] === "string" ? `, set-name ${device["set-name"]}` : "";
          scan.findings.push({ kind: "mac", path, detail: `${id}: match macaddress ${match.macaddress}${rename}`, deletable: true });
        }
      }
    }
  }
  return scan;
}
