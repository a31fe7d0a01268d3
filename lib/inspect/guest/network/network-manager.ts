import type { GuestFs } from "../../fs/guest-fs";
import { parseShellAssignments } from "../os-release";
import { emptyScan, parseIni, type NetworkScan } from "./finding";

const KEYFILE_DIRS = ["/etc/NetworkManager/system-connections", "/usr/lib/NetworkManager/system-connections"];
/** initscripts (RHEL, Fedora, CentOS) and wicked (SUSE) use the same ifcfg format. */
const IFCFG_DIRS = ["/etc/sysconfig/network-scripts", "/etc/sysconfig/network"];
const MAX_FILE = 1024 * 1024;

/** NetworkManager keyfiles: [ipv4] method=manual, [ethernet] mac-address=. */
export async function scanNetworkManager(guest: GuestFs): Promise<NetworkScan> {
  const scan = emptyScan();
  for (const dir of KEYFILE_DIRS) {
    for (const entry of (await guest.readdir(dir)) ?? []) {
      if (entry.type === "directory" || entry.name.startsWith(".")) continue;
      const path = `${dir}/${entry.name}`;
      const text = await guest.readText(path, MAX_FILE);
      if (text === null) continue;
      const ini = parseIni(text);
      const id = ini.get("connection")?.get("id")?.[0] ?? entry.name;
      for (const family of ["ipv4", "ipv6"]) {
        const method = ini.get(family)?.get("method")?.[0];
        if (method === "manual") scan.findings.push({ kind: "static", path, detail: `${id}: ${family}.method=manual`, deletable: true });
        else if (method === "auto" && family === "ipv4") scan.dhcp.push({ path, detail: `${id}: ipv4.method=auto` });
      }
      const mac = ini.get("ethernet")?.get("mac-address")?.[0] ?? ini.get("802-3-ethernet")?.get("mac-address")?.[0];
      if (mac) scan.findings.push({ kind: "mac", path, detail: `${id}: ethernet.mac-address=${mac}`, deletable: true });
    }
  }
  return scan;
}

/** ifcfg-* files: BOOTPROTO=none|static with IPADDR, and HWADDR (the interface is bound to that MAC). */
export async function scanIfcfg(guest: GuestFs): Promise<NetworkScan> {
  const scan = emptyScan();
  for (const dir of IFCFG_DIRS) {
    for (const entry of (await guest.readdir(dir)) ?? []) {
      if (!entry.name.startsWith("ifcfg-") || entry.name === "ifcfg-lo" || /\.(bak|orig|rpmsave|rpmnew)$|~$/.test(entry.name)) continue;
      const path = `${dir}/${entry.name}`;
      const text = await guest.readText(path, MAX_FILE);
      if (text === null) continue;
      const values = parseShellAssignments(text);
      const device = values.get("DEVICE") ?? values.get("NAME") ?? entry.name.slice("ifcfg-".length);
      const bootproto = (values.get("BOOTPROTO") ?? "").toLowerCase();
      const address = values.get("IPADDR") ?? values.get("IPADDR0") ?? values.get("IPADDR_0");
      if (bootproto === "static" || (address && bootproto !== "dhcp" && bootproto !== "bootp")) {
        scan.findings.push({
          kind: "static",
          path,
          detail: `${device}: BOOTPROTO=${bootproto || "none"}${address ? ` IPADDR=${address}` : ""}`,
          deletable: true,
        });
      } else if (bootproto.startsWith("dhcp")) {
        scan.dhcp.push({ path, detail: `${device}: BOOTPROTO=${bootproto}` });
      }
      const hwaddr = values.get("HWADDR");
      if (hwaddr) scan.findings.push({ kind: "mac", path, detail: `${device}: HWADDR=${hwaddr}`, deletable: false });
    }
  }
  return scan;
}
