import type { GuestFs } from "../../fs/guest-fs";
import { emptyScan, parseIni, type NetworkScan } from "./finding";

/** Administrator configuration only: /usr/lib/systemd/network holds the distribution's generic defaults. */
const DIR = "/etc/systemd/network";
const MAX_FILE = 1024 * 1024;

/** systemd-networkd: .network files with [Match] MACAddress= or static Address=, .link files that name a NIC by its MAC. */
export async function scanNetworkd(guest: GuestFs): Promise<NetworkScan> {
  const scan = emptyScan();
  for (const entry of (await guest.readdir(DIR)) ?? []) {
    const isNetwork = entry.name.endsWith(".network");
    if (!isNetwork && !entry.name.endsWith(".link")) continue;
    const path = `${DIR}/${entry.name}`;
    const text = await guest.readText(path, MAX_FILE);
    if (text === null) continue;
    const ini = parseIni(text);
    const match = ini.get("Match");
    const mac = match?.get("MACAddress")?.[0] ?? match?.get("PermanentMACAddress")?.[0];
    if (mac) scan.findings.push({ kind: "mac", path, detail: `[Match] MACAddress=${mac}`, deletable: true });
    if (!isNetwork) continue;
    const addresses = [...(ini.get("Network")?.get("Address") ?? []), ...(ini.get("Address")?.get("Address") ?? [])].filter((a) => a !== "");
    if (addresses.length > 0) scan.findings.push({ kind: "static", path, detail: `Address=${addresses.join(", ")}`, deletable: true });
    const dhcp = ini.get("Network")?.get("DHCP")?.[0];
    if (addresses.length === 0 && dhcp && dhcp !== "no" && dhcp !== "false") scan.dhcp.push({ path, detail: `DHCP=${dhcp}` });
  }
  return scan;
}

const UDEV_RULES = ["/etc/udev/rules.d/70-persistent-net.rules", "/etc/udev/rules.d/75-persistent-net-generator.rules"];

/** udev's persistent-net rules name NICs after the MACs the template machine had: a clone's NIC becomes eth1 and is left unconfigured. */
export async function scanUdevRules(guest: GuestFs): Promise<NetworkScan> {
  const scan = emptyScan();
  for (const path of UDEV_RULES) {
    const text = await guest.readText(path, MAX_FILE);
    if (text === null) continue;
    for (const line of text.split("\n")) {
      const trimmed = line.trim();
      if (trimmed.startsWith("#")) continue;
      const mac = /ATTR\{address\}=="([^"]+)"/.exec(trimmed)?.[1];
      const name = /NAME="([^"]+)"/.exec(trimmed)?.[1];
      if (mac) scan.findings.push({ kind: "mac", path, detail: `${name ?? "a NIC"} bound to ${mac}`, deletable: true });
    }
  }
  return scan;
}
