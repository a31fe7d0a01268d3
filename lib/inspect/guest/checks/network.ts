import { shellWord, sysprep } from "../fixes";
import { outcome, type CheckDefinition } from "../context";
import type { NetworkFinding, NetworkScan } from "../network/finding";
import { scanIfupdown } from "../network/ifupdown";
import { scanNetplan } from "../network/netplan";
import { scanIfcfg, scanNetworkManager } from "../network/network-manager";
import { scanNetworkd, scanUdevRules } from "../network/networkd";
import { listPaths } from "./hygiene";

const SCANNERS = [scanIfupdown, scanNetplan, scanNetworkManager, scanIfcfg, scanNetworkd, scanUdevRules];
const IFUPDOWN_MAIN = "/etc/network/interfaces";
const LOOPBACK_ONLY = `printf 'auto lo\\niface lo inet loopback\\n\\nsource /etc/network/interfaces.d/*\\n' > ${IFUPDOWN_MAIN}`;

function networkFix(image: string, findings: NetworkFinding[]): string {
  const operations = new Set<string>();
  const extra: string[] = [];
  const deleted = new Set<string>();
  for (const finding of findings) {
    if (finding.path.startsWith("/etc/udev/rules.d/")) operations.add("udev-persistent-net");
    else if (finding.kind === "mac" && !finding.deletable) operations.add("net-hwaddr");
    else if (finding.deletable && !deleted.has(finding.path)) {
      deleted.add(finding.path);
      extra.push(`--delete ${shellWord(finding.path)}`);
    } else if (finding.path === IFUPDOWN_MAIN && !deleted.has(IFUPDOWN_MAIN)) {
      deleted.add(IFUPDOWN_MAIN);
      extra.push(`--run-command ${shellWord(LOOPBACK_ONLY)}`);
    }
  }
  if (extra.length > 0) operations.add("customize");
  return sysprep(image, [...operations], extra);
}

export const networkDhcp: CheckDefinition = {
  id: "network.dhcp",
  severity: "warn",
  linuxOnly: true,
  async run({ guest, image }) {
    const scans: NetworkScan[] = [];
    for (const scan of SCANNERS) scans.push(await scan(guest));
    const findings = scans.flatMap((s) => s.findings);
    const dhcp = scans.flatMap((s) => s.dhcp);
    if (findings.length === 0) {
      return dhcp.length > 0
        ? outcome("pass", `The network is configured by DHCP (${dhcp[0].detail} in ${dhcp[0].path}).`, { path: dhcp[0].path })
        : outcome("pass", "No static or MAC-bound network configuration: cloud-init or the distribution's default configures the network.");
    }
    const statics = findings.filter((f) => f.kind === "static");
    const what = [
      statics.length > 0 ? "statically addressed" : null,
      findings.some((f) => f.kind === "mac") ? "tied to the MAC address of the machine it was made on" : null,
    ]
      .filter(Boolean)
      .join(" and ");
    const details = listPaths(
      findings.map((f) => `${f.detail} in ${f.path}`),
      3,
    );
    return outcome("warn", `The network is ${what}, so an instance with a new virtio NIC may come up without network: ${details}.`, {
      path: findings[0].path,
      fix: networkFix(image, findings),
    });
  },
};
