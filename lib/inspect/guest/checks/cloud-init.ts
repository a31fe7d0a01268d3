import type { GuestFs } from "../../fs/guest-fs";
import { deletePaths } from "../fixes";
import { outcome, type CheckDefinition, type GuestContext } from "../context";

const PROGRAMS = ["/usr/bin/cloud-init", "/usr/local/bin/cloud-init"];
const CONFIG = "/etc/cloud/cloud.cfg";
/** cloud-init's boot stages; 24.3 folded the middle ones into cloud-init-main and cloud-init-network. */
const STAGE_UNITS = [
  "cloud-init-local.service",
  "cloud-init.service",
  "cloud-init-main.service",
  "cloud-init-network.service",
  "cloud-config.service",
  "cloud-final.service",
];
const SYSV_NAMES = ["cloud-init-local", "cloud-init", "cloud-config", "cloud-final"];
const GENERATORS = [
  "/lib/systemd/system-generators/cloud-init-generator",
  "/usr/lib/systemd/system-generators/cloud-init-generator",
  "/etc/systemd/system-generators/cloud-init-generator",
];
const DISABLED_FILE = "/etc/cloud/cloud-init.disabled";
const MAX_CONFIG = 1024 * 1024;

async function firstExisting(guest: GuestFs, paths: string[]): Promise<string | null> {
  for (const path of paths) if ((await guest.stat(path))?.type === "file") return path;
  return null;
}

/** The cloud-init program, or null when it is not installed. */
async function cloudInitProgram(context: GuestContext): Promise<string | null> {
  const program = await firstExisting(context.guest, PROGRAMS);
  if (program) return program;
  return context.packages.installed("cloud-init") === true ? context.packages.source : null;
}

export const cloudInitInstalled: CheckDefinition = {
  id: "cloudinit.installed",
  severity: "fail",
  linuxOnly: true,
  async run(context) {
    const program = await cloudInitProgram(context);
    if (program) return outcome("pass", `cloud-init is installed (${program}).`, { path: program });
    const leftover = (await context.guest.stat(CONFIG)) !== null;
    const removed = context.packages.configOnly("cloud-init");
    const detail = leftover ? ` Only its configuration is left (${CONFIG})${removed ? ": the package was removed but not purged" : ""}.` : "";
    return outcome(
      "fail",
      `cloud-init is not installed: the cloud cannot set the hostname, SSH keys, users or network of instances made from this image.${detail}`,
      {
        path: leftover ? CONFIG : PROGRAMS[0],
        fix: context.install(["cloud-init"]),
      },
    );
  },
};

/** Values of GRUB_CMDLINE_LINUX* in /etc/default/grub and its drop-ins, and the command lines of boot entries. */
async function kernelCommandLines(guest: GuestFs): Promise<{ path: string; line: string }[]> {
  const files = ["/etc/default/grub", "/etc/kernel/cmdline", "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"];
  for (const dir of ["/etc/default/grub.d", "/boot/loader/entries"]) {
    for (const entry of (await guest.readdir(dir)) ?? []) if (/\.(cfg|conf)$/.test(entry.name)) files.push(`${dir}/${entry.name}`);
  }
  const lines: { path: string; line: string }[] = [];
  for (const path of files) {
    const text = await guest.readText(path, MAX_CONFIG).catch(() => null);
    if (text === null) continue;
    for (const line of text.split("\n")) {
      const trimmed = line.trim();
      if (trimmed.startsWith("#")) continue;
      if (/^(GRUB_CMDLINE_LINUX\w*=|options\s|linux(efi)?\s|linux16\s)/.test(trimmed) || path === "/etc/kernel/cmdline") lines.push({ path, line: trimmed });
    }
  }
  return lines;
}

function cmdlineFix(context: GuestContext): string {
  if (context.family === "rhel")
    return "sudo grubby --update-kernel=ALL --remove-args=cloud-init=disabled && sudo sed -i 's/ *cloud-init=disabled//' /etc/default/grub";
  const regenerate = context.family === "debian" ? "sudo update-grub" : "sudo grub2-mkconfig -o /boot/grub2/grub.cfg";
  return `sudo sed -i 's/ *cloud-init=disabled//' /etc/default/grub && ${regenerate}`;
}

export const cloudInitEnabled: CheckDefinition = {
  id: "cloudinit.enabled",
  severity: "fail",
  linuxOnly: true,
  async run(context) {
    const { guest, services } = context;
    if (!(await cloudInitProgram(context))) return outcome("skip", "cloud-init is not installed (see cloudinit.installed).");
    if ((await guest.lstat(DISABLED_FILE)) !== null) {
      return outcome("fail", `cloud-init is disabled by ${DISABLED_FILE}: it will not configure instances made from this image.`, {
        path: DISABLED_FILE,
        fix: deletePaths(context.image, [DISABLED_FILE]),
      });
    }
    const disabledOnCmdline = (await kernelCommandLines(guest)).find(({ line }) => /(^|[\s"'])cloud-init=disabled($|[\s"'])/.test(line));
    if (disabledOnCmdline) {
      return outcome("fail", `cloud-init is disabled on the kernel command line (cloud-init=disabled in ${disabledOnCmdline.path}).`, {
        path: disabledOnCmdline.path,
        fix: cmdlineFix(context),
      });
    }
    const masked: string[] = [];
    const installed: string[] = [];
    const generator = await firstExisting(guest, GENERATORS);
    const targetLinks = await services.wantedBy("cloud-init.target");
    for (const unit of STAGE_UNITS) {
      if (await services.masked(unit)) {
        masked.push(unit);
        continue;
      }
      if (!(await services.unitFile(unit))) continue;
      installed.push(unit);
      for (const link of await services.wantedBy(unit)) {
        // Units wanted by cloud-init.target start when the target does: when it is enabled itself, or when the generator (which honours the disable switches) pulls it into multi-user.target.
        if (link.by !== "cloud-init.target") return outcome("pass", `cloud-init starts at boot (${unit} is wanted by ${link.by}).`, { path: link.path });
        if (targetLinks.length > 0)
          return outcome("pass", `cloud-init starts at boot (${unit} is wanted by cloud-init.target, which ${targetLinks[0].by} wants).`, { path: link.path });
        if (generator)
          return outcome("pass", `cloud-init starts at boot (${unit} is wanted by cloud-init.target, which ${generator} enables).`, { path: link.path });
      }
    }
    const sysv = await services.enablement([], SYSV_NAMES);
    if (sysv.enabled) return outcome("pass", `cloud-init starts at boot (${sysv.evidence}).`, { path: sysv.evidence });
    if (installed.length === 0 && masked.length === 0) {
      // No unit file at all: cloud-init came without its boot integration (pip, a non-systemd distribution), so enabling needs it first.
      if (context.family === "alpine") {
        return outcome("fail", "cloud-init is installed but will not run at boot: it is in no OpenRC runlevel.", {
          path: "/etc/runlevels/default/cloud-init",
          fix: "doas setup-cloud-init",
        });
      }
      const units = ["cloud-init-local.service", "cloud-init.service", "cloud-config.service", "cloud-final.service"];
      return outcome("fail", "cloud-init is installed but will not run at boot: none of its services is installed.", {
        path: `/usr/lib/systemd/system/${units[0]}`,
        fix: `${context.install(["cloud-init"])} && sudo systemctl enable ${units.join(" ")}`,
      });
    }
    const what = masked.length > 0 ? `its services are masked (${masked.join(", ")})` : `none of its services is enabled (${installed.join(", ")})`;
    return outcome("fail", `cloud-init is installed but will not run at boot: ${what}.`, {
      path: installed.length > 0 ? ((await services.unitFile(installed[0])) ?? `/etc/systemd/system/${installed[0]}`) : `/etc/systemd/system/${masked[0]}`,
      fix: `${masked.length > 0 ? `sudo systemctl unmask ${masked.join(" ")} && ` : ""}sudo systemctl enable ${[...new Set([...masked, ...installed])].join(" ")}`,
    });
  },
};

const STATE_PATHS = [
  "/var/lib/cloud/instance",
  "/var/lib/cloud/data/instance-id",
  "/var/lib/cloud/data/previous-instance-id",
  "/var/lib/cloud/data/result.json",
];
const STATE_DIRS = ["/var/lib/cloud/instances", "/var/lib/cloud/sem"];
const LOGS = ["/var/log/cloud-init.log", "/var/log/cloud-init-output.log"];

export const cloudInitClean: CheckDefinition = {
  id: "cloudinit.clean",
  severity: "warn",
  linuxOnly: true,
  async run(context) {
    const { guest } = context;
    if (!(await cloudInitProgram(context))) return outcome("skip", "cloud-init is not installed (see cloudinit.installed).");
    const found: string[] = [];
    for (const path of STATE_PATHS) if ((await guest.lstat(path)) !== null) found.push(path);
    for (const dir of STATE_DIRS) {
      const entries = (await guest.readdir(dir)) ?? [];
      if (entries.length > 0) found.push(`${dir}/${entries[0].name}${entries.length > 1 ? ` (and ${entries.length - 1} more)` : ""}`);
    }
    for (const path of LOGS) if (((await guest.stat(path))?.size ?? 0) > 0) found.push(path);
    if (found.length === 0) return outcome("pass", "No cloud-init state from an earlier boot: it will run as on a first boot.");
    return outcome(
      "warn",
      `cloud-init state from an earlier boot remains (${found.join(", ")}): instances may skip per-instance and per-once configuration, and carry the old logs.`,
      {
        path: found[0].replace(/ \(.*$/, ""),
        fix: "cloud-init clean --logs --machine-id --seed",
      },
    );
  },
};
