import type { GuestFs } from "../../fs/guest-fs";
import { sysprep } from "../fixes";
import { outcome, type CheckDefinition } from "../context";

/** Lists a few paths and says how many more there are. */
export function listPaths(paths: string[], max = 4): string {
  return paths.length <= max ? paths.join(", ") : `${paths.slice(0, max).join(", ")} and ${paths.length - max} more`;
}

const isMachineId = (text: string) => {
  const value = text.trim();
  return value !== "" && value !== "uninitialized";
};

export const machineId: CheckDefinition = {
  id: "hygiene.machine-id",
  severity: "warn",
  linuxOnly: true,
  async run({ guest, image }) {
    const found: string[] = [];
    const etc = await guest.readText("/etc/machine-id", 4096);
    if (etc !== null && isMachineId(etc)) found.push("/etc/machine-id");
    // Often a link to /etc/machine-id; only a file of its own is a second identity.
    const dbus = await guest.lstat("/var/lib/dbus/machine-id");
    if (dbus?.type === "file") {
      const text = await guest.readText("/var/lib/dbus/machine-id", 4096);
      if (text !== null && isMachineId(text)) found.push("/var/lib/dbus/machine-id");
    }
    if (found.length === 0) {
      return outcome(
        "pass",
        etc === null ? "No /etc/machine-id: systemd creates one at first boot." : "The machine-id is empty: each instance gets its own at first boot.",
        {
          path: etc === null ? null : "/etc/machine-id",
        },
      );
    }
    return outcome(
      "warn",
      `The image carries a machine-id (${found.join(", ")}): every instance would share it, which confuses DHCP (client IDs), journald and systemd.`,
      {
        path: found[0],
        fix: sysprep(image, ["machine-id"]),
      },
    );
  },
};

export const sshHostKeys: CheckDefinition = {
  id: "hygiene.ssh-host-keys",
  severity: "warn",
  linuxOnly: true,
  async run({ guest, image }) {
    const keys: string[] = [];
    for (const entry of (await guest.readdir("/etc/ssh")) ?? []) {
      if (!/^ssh_host_.*_key$/.test(entry.name)) continue;
      const stat = await guest.stat(`/etc/ssh/${entry.name}`);
      if (stat?.type === "file" && stat.size > 0) keys.push(`/etc/ssh/${entry.name}`);
    }
    if (keys.length === 0) return outcome("pass", "No SSH host keys: each instance generates its own at first boot.");
    return outcome(
      "warn",
      `SSH host keys are in the image (${listPaths(keys)}): every instance would have the same host identity, so clients cannot tell them apart and one leaked key opens them all.`,
      {
        path: keys[0],
        fix: sysprep(image, ["ssh-hostkeys"]),
      },
    );
  },
};

/** History files of shells, REPLs and tools, relative to a home directory. */
export const HISTORY_FILES = [
  ".bash_history",
  ".zsh_history",
  ".histfile",
  ".sh_history",
  ".history",
  ".ash_history",
  ".local/share/fish/fish_history",
  ".python_history",
  ".node_repl_history",
  ".irb_history",
  ".mysql_history",
  ".psql_history",
  ".sqlite_history",
  ".rediscli_history",
  ".lesshst",
  ".viminfo",
  ".wget-hsts",
  ".local/share/nano/search_history",
];
const MAX_HOMES = 1000;

async function homes(guest: GuestFs): Promise<string[]> {
  const dirs = ["/root"];
  for (const entry of ((await guest.readdir("/home")) ?? []).slice(0, MAX_HOMES)) {
    if (entry.type === "directory") dirs.push(`/home/${entry.name}`);
  }
  return dirs;
}

export const shellHistory: CheckDefinition = {
  id: "hygiene.shell-history",
  severity: "warn",
  linuxOnly: true,
  async run({ guest, image }) {
    const found: string[] = [];
    for (const home of await homes(guest)) {
      for (const name of HISTORY_FILES) {
        const path = `${home}/${name}`;
        const stat = await guest.stat(path);
        if (stat?.type === "file" && stat.size > 0) found.push(path);
      }
    }
    if (found.length === 0) return outcome("pass", "No shell or tool history in /root or /home.");
    const others = found.filter((path) => !path.endsWith("/.bash_history"));
    return outcome(
      "warn",
      `Command history from the machine the image was made on is still there (${listPaths(found)}): it can leak commands, host names and passwords typed on the command line.`,
      {
        path: found[0],
        fix: sysprep(
          image,
          others.length > 0 ? ["bash-history", "customize"] : ["bash-history"],
          others.map((path) => `--delete ${path}`),
        ),
      },
    );
  },
};

const LOG_ROOT = "/var/log";
const MAX_LOG_ENTRIES = 20_000;
const MAX_LOG_DEPTH = 8;
/** Enough evidence for the message; the walk stops here so a guest with thousands of logs costs little. */
const ENOUGH_LOGS = 20;
/** Preallocated or sparse files (lastlog, faillog) start with zeros; a real log does not. */
const PLACEHOLDER_PROBE = 512;

export const logs: CheckDefinition = {
  id: "hygiene.logs",
  severity: "warn",
  linuxOnly: true,
  async run({ guest, image }) {
    const found: string[] = [];
    let visited = 0;
    // Directories are resolved by path (one may be a mount point); files by the reference their
    // directory gave, so a directory of 10,000 files costs 10,000 inode reads, not path walks.
    const walk = async (dir: string, depth: number): Promise<void> => {
      const here = await guest.resolve(dir);
      if (!here.ok || here.stat.type !== "directory") return;
      const { fs } = here;
      for (const entry of await fs.readdir(here.ref)) {
        if (found.length >= ENOUGH_LOGS || ++visited > MAX_LOG_ENTRIES) return;
        const path = `${dir}/${entry.name}`;
        const type = entry.type ?? (await fs.stat(entry.ref)).type;
        // Links are not followed: a log directory may hold links anywhere, even loops.
        if (type === "directory" && depth < MAX_LOG_DEPTH) await walk(path, depth + 1);
        if (type !== "file") continue;
        const stat = await fs.stat(entry.ref);
        if (stat.size === 0) continue;
        const head = await fs.read(entry.ref, 0, Math.min(PLACEHOLDER_PROBE, stat.size));
        if (head.some((byte) => byte !== 0)) found.push(path);
      }
    };
    await walk(LOG_ROOT, 0);
    if (found.length === 0) return outcome("pass", "The log files in /var/log are empty.");
    const count = found.length >= ENOUGH_LOGS ? `at least ${ENOUGH_LOGS}` : String(found.length);
    return outcome(
      "warn",
      `${count} log files from the machine the image was made on are not empty (${listPaths(found)}): instances start with someone else's history.`,
      {
        path: found[0],
        fix: sysprep(image, ["logfiles"]),
      },
    );
  },
};
