/** A network setting that breaks a clone on a new NIC: a static address, or a configuration tied to one MAC address. */
export interface NetworkFinding {
  kind: "static" | "mac";
  /** The configuration file. */
  path: string;
  /** What in it, in words: "eth0 inet static", "match macaddress 52:54:00:...". */
  detail: string;
  /** The file holds nothing but this configuration and can be deleted (cloud-init or DHCP takes over). */
  deletable: boolean;
}

/** A configuration file that names DHCP, for the pass message. */
export interface DhcpEvidence {
  path: string;
  detail: string;
}

export interface NetworkScan {
  findings: NetworkFinding[];
  dhcp: DhcpEvidence[];
}

export const emptyScan = (): NetworkScan => ({ findings: [], dhcp: [] });

/** Parses INI-style files (NetworkManager keyfiles, systemd .network/.link): section -> key -> values. */
export function parseIni(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      const name = header[1].trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0 || !current) continue;
    const key = line.slice(0, eq).trim();
    const values = current.get(key) ?? [];
    values.push(line.slice(eq + 1).trim());
    current.set(key, values);
  }
  return sections;
}
