import { defineOutcomes } from "../../codes";
import type { GuestFs } from "../../fs/guest-fs";
import type { CheckDefinition } from "../context";
import { sysprep } from "../fixes";

/** Lists a few paths and says how many more there are. */
export function listPaths(paths: string[], max = 4): string {
  return paths.length <= max ? paths.join(", ") : `${paths.slice(0, max).join(", ")} and ${paths.length - max} more`;
}

const isMachineId = (text: string) => {
  const value = text.trim();
  return value !== "" && value !== "uninitialized";
};

const MACHINE_ID = defineOutcomes("hygiene.machine-id", {
  machine_id_absent: { status: "pass", message: "No /etc/machine-id: systemd creates one at first boot." },
  machine_id_empty: { status: "pass", message: "The machine-id is empty: each instance gets its own at first boot." },
  machine_id_set: {
    status: "warn",
    message: "The image carries a machine-id ({files}): every instance would share it, which confuses DHCP (client IDs), journald and systemd.",
  },
});

export const machineId: CheckDefinition = {
  id: "hygiene.machine-id",
  severity: "warn",
  outcomes: MACHINE_ID,
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
    if (found.length === 0) return etc === null ? MACHINE_ID.machine_id_absent() : MACHINE_ID.machine_id_empty({}, { path: "/etc/machine-id" });
    return MACHINE_ID.machine_id_set({ files: found.join(", ") }, { path: found[0], fix: sysprep(image, ["machine-id"]) });
  },
};

const SSH_HOST_KEYS = defineOutcomes("hygiene.ssh-host-keys", {
  no_host_keys: { status: "pass", message: "No SSH host keys: each instance generates its own at first boot." },
  host_keys: {
    status: "warn",
    message: [
      "SSH host keys are in the image ({keys}): every instance would have the same host identity,",
      "so clients cannot tell them apart and one leaked key opens them all.",
    ],
  },
});

export const sshHostKeys: CheckDefinition = {
  id: "hygiene.ssh-host-keys",
  severity: "warn",
  outcomes: SSH_HOST_KEYS,
  async run({ guest, image }) {
    const keys: string[] = [];
    for (const entry of (await guest.readdir("/etc/ssh")) ?? []) {
      if (!/^ssh_host_.*_key$/.test(entry.name)) continue;
      const stat = await guest.stat(`/etc/ssh/${entry.name}`);
      if (stat?.type === "file" && stat.size > 0) keys.push(`/etc/ssh/${entry.name}`);
    }
    if (keys.length === 0) return SSH_HOST_KEYS.no_host_keys();
    return SSH_HOST_KEYS.host_keys({ keys: listPaths(keys) }, { path: keys[0], fix: sysprep(image, ["ssh-hostkeys"]) });
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

const SHELL_HISTORY = defineOutcomes("hygiene.shell-history", {
  no_history: { status: "pass", message: "No shell or tool history in /root or /home." },
  history: {
    status: "warn",
    message: [
      "Command history from the machine the image was made on is still there ({files}):",
      "it can leak commands, host names and passwords typed on the command line.",
    ],
  },
});

export const shellHistory: CheckDefinition = {
  id: "hygiene.shell-history",
  severity: "warn",
  outcomes: SHELL_HISTORY,
  async run({ guest, image }) {
    const found: string[] = [];
    for (const home of await homes(guest)) {
      for (const name of HISTORY_FILES) {
        const path = `${home}/${name}`;
        const stat = await guest.stat(path);
        if (stat?.type === "file" && stat.size > 0) found.push(path);
      }
    }
    if (found.length === 0) return SHELL_HISTORY.no_history();
    const others = found.filter((path) => !path.endsWith("/.bash_history"));
    const fix = sysprep(
      image,
      others.length > 0 ? ["bash-history", "customize"] : ["bash-history"],
      others.map((path) => `--delete ${path}`),
    );
    return SHELL_HISTORY.history({ files: listPaths(found) }, { path: found[0], fix });
  },
};

const LOG_ROOT = "/var/log";
const MAX_LOG_ENTRIES = 20_000;
const MAX_LOG_DEPTH = 8;
/** Enough evidence for the message; the walk stops here so a guest with thousands of logs costs little. */
const ENOUGH_LOGS = 20;
/** Preallocated or sparse files (lastlog, faillog) start with zeros; a real log does not. */
const PLACEHOLDER_PROBE = 512;

const LOGS = defineOutcomes("hygiene.logs", {
  logs_empty: { status: "pass", message: "The log files in /var/log are empty." },
  logs: {
    status: "warn",
    message: "{count} log files from the machine the image was made on are not empty ({files}): instances start with someone else's history.",
  },
});

export const logs: CheckDefinition = {
  id: "hygiene.logs",
  severity: "warn",
  outcomes: LOGS,
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
    if (found.length === 0) return LOGS.logs_empty();
    const count = found.length >= ENOUGH_LOGS ? `at least ${ENOUGH_LOGS}` : String(found.length);
    return LOGS.logs({ count, files: listPaths(found) }, { path: found[0], fix: sysprep(image, ["logfiles"]) });
  },
};
