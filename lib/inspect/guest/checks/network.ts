import { defineOutcomes } from "../../codes";
import { shellQuote } from "../../commands";
import type { CheckDefinition } from "../context";
import { sysprep } from "../fixes";
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
      extra.push(`--delete ${shellQuote(finding.path)}`);
    } else if (finding.path === IFUPDOWN_MAIN && !deleted.has(IFUPDOWN_MAIN)) {
      deleted.add(IFUPDOWN_MAIN);
      extra.push(`--run-command ${shellQuote(LOOPBACK_ONLY)}`);
    }
  }
  if (extra.length > 0) operations.add("customize");
  return sysprep(image, [...operations], extra);
}

const NETWORK = defineOutcomes("network.dhcp", {
  dhcp: { status: "pass", message: "The network is configured by DHCP ({detail} in {file})." },
  default_config: {
    status: "pass",
    message: "No static or MAC-bound network configuration: cloud-init or the distribution's default configures the network.",
  },
  static: { status: "warn", message: "The network is statically addressed, so an instance with a new virtio NIC may come up without network: {details}." },
  mac_bound: {
    status: "warn",
    message:
      "The network is tied to the MAC address of the machine it was made on, so an instance with a new virtio NIC may come up without network: {details}.",
  },
  static_mac_bound: {
    status: "warn",
    message: [
      "The network is statically addressed and tied to the MAC address of the machine it was made on,",
      "so an instance with a new virtio NIC may come up without network: {details}.",
    ],
  },
});

export const networkDhcp: CheckDefinition = {
  id: "network.dhcp",
  severity: "warn",
  outcomes: NETWORK,
  async run({ guest, image }) {
    const scans: NetworkScan[] = [];
    for (const scan of SCANNERS) scans.push(await scan(guest));
    const findings = scans.flatMap((s) => s.findings);
    const dhcp = scans.flatMap((s) => s.dhcp);
    if (findings.length === 0) {
      return dhcp.length > 0 ? NETWORK.dhcp({ detail: dhcp[0].detail, file: dhcp[0].path }, { path: dhcp[0].path }) : NETWORK.default_config();
    }
    const statics = findings.some((f) => f.kind === "static");
    const macs = findings.some((f) => f.kind === "mac");
    const say = statics && macs ? NETWORK.static_mac_bound : statics ? NETWORK.static : NETWORK.mac_bound;
    const details = listPaths(
      findings.map((f) => `${f.detail} in ${f.path}`),
      3,
    );
    return say({ details }, { path: findings[0].path, fix: networkFix(image, findings) });
  },
};
