import { defineOutcomes, type Outcome } from "../../codes";
import type { GuestFs } from "../../fs/guest-fs";
import type { CheckDefinition, GuestContext } from "../context";
import { deletePaths } from "../fixes";
import { interpreterOf, pythonPackage, PYTHON_PACKAGE_HOME, startedProgram, type Program } from "../programs";

const PROGRAMS = ["/usr/bin/cloud-init", "/usr/local/bin/cloud-init"];
const PROGRAM_NAMES = ["cloud-init"];
const PYTHON_PACKAGE = "cloudinit";
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
/** The units `systemctl enable` needs when none is installed (the stages before 24.3, which later releases alias). */
const ENABLE_UNITS = ["cloud-init-local.service", "cloud-init.service", "cloud-config.service", "cloud-final.service"];
const SYSV_NAMES = ["cloud-init-local", "cloud-init", "cloud-config", "cloud-final"];
const GENERATORS = [
  "/lib/systemd/system-generators/cloud-init-generator",
  "/usr/lib/systemd/system-generators/cloud-init-generator",
  "/etc/systemd/system-generators/cloud-init-generator",
];
const DISABLED_FILE = "/etc/cloud/cloud-init.disabled";
const MAX_CONFIG = 1024 * 1024;
const NOT_INSTALLED = "cloud-init is not installed: the cloud cannot set the hostname, SSH keys, users or network of instances made from this image.";
const DELETED = "its files were deleted while the package database still lists it, so nothing configures instances made from this image.";

const INSTALLED = defineOutcomes("cloudinit.installed", {
  installed: { status: "pass", message: "cloud-init is installed: {program} runs with the Python package in {module}." },
  installed_program: { status: "pass", message: "cloud-init is installed ({program})." },
  not_installed: { status: "fail", message: NOT_INSTALLED },
  config_left: { status: "fail", message: [NOT_INSTALLED, "Only its configuration is left ({config})."] },
  removed_not_purged: { status: "fail", message: [NOT_INSTALLED, "Only its configuration is left ({config}): the package was removed but not purged."] },
  program_missing: { status: "fail", message: ["{source} lists cloud-init as installed, but its program {program} is missing:", DELETED] },
  python_package_missing: {
    status: "fail",
    message: ["cloud-init's program {program} is there, but the Python package it imports ({package}) is not in any of Python's directories:", DELETED],
  },
  interpreter_missing: {
    status: "fail",
    message: "cloud-init's program {program} is a script for {interpreter}, which is missing: it cannot run at boot.",
  },
});

const ENABLED = defineOutcomes("cloudinit.enabled", {
  wanted: { status: "pass", message: "cloud-init starts at boot: {unit} is wanted by {target} ({link}) and runs {program}." },
  wanted_by_target: {
    status: "pass",
    message: "cloud-init starts at boot: {unit} is wanted by cloud-init.target, which {target} wants ({link}), and runs {program}.",
  },
  wanted_by_generator: {
    status: "pass",
    message: "cloud-init starts at boot: {unit} is wanted by cloud-init.target, which {generator} enables ({link}), and runs {program}.",
  },
  start_link: { status: "pass", message: "cloud-init starts at boot: {link} runs {script}, which starts {program}." },
  enabled_not_installed: { status: "skip", message: "cloud-init is not installed (see cloudinit.installed)." },
  disabled_by_file: { status: "fail", message: "cloud-init is disabled by {file}: it will not configure instances made from this image." },
  disabled_on_cmdline: { status: "fail", message: "cloud-init is disabled on the kernel command line (cloud-init=disabled in {file})." },
  start_program_missing: {
    status: "fail",
    message: "cloud-init would start at boot from {start}, but the program it runs, {program}, is missing: the instance boots without cloud-init.",
  },
  start_script_missing: {
    status: "fail",
    message: "cloud-init would start at boot from {link}, but the init script it points to is missing: the instance boots without cloud-init.",
  },
  not_in_runlevel: { status: "fail", message: "cloud-init is installed but will not run at boot: it is in no OpenRC runlevel." },
  no_units: { status: "fail", message: "cloud-init is installed but will not run at boot: none of its services is installed." },
  units_masked: { status: "fail", message: "cloud-init is installed but will not run at boot: its services are masked ({units})." },
  units_disabled: { status: "fail", message: "cloud-init is installed but will not run at boot: none of its services is enabled ({units})." },
});

const CLEAN = defineOutcomes("cloudinit.clean", {
  clean: { status: "pass", message: "No cloud-init state from an earlier boot: it will run as on a first boot." },
  clean_not_installed: { status: "skip", message: "cloud-init is not installed (see cloudinit.installed)." },
  state_left: {
    status: "warn",
    message: "cloud-init state from an earlier boot remains ({found}): instances may skip per-instance and per-once configuration, and carry the old logs.",
    fix: "cloud-init clean --logs --machine-id --seed",
  },
});

async function firstFile(guest: GuestFs, paths: string[]): Promise<string | null> {
  for (const path of paths) if ((await guest.stat(path))?.type === "file") return path;
  return null;
}

/** Some trace of cloud-init: its program, the package database's word, or start links to it. What would run is judged by each check. */
async function anyTrace(context: GuestContext): Promise<boolean> {
  if ((await firstFile(context.guest, PROGRAMS)) || context.packages.installed("cloud-init") === true) return true;
  for (const unit of STAGE_UNITS) if ((await context.services.wantedBy(unit)).length > 0) return true;
  for (const name of SYSV_NAMES) if (await context.services.sysvLink(name)) return true;
  return false;
}

/** Reinstalls cloud-init when the database lists it (its files come back), installs it otherwise. */
const reinstall = (context: GuestContext) =>
  context.packages.installed("cloud-init") === true ? context.family.reinstall(["cloud-init"], context.os, context.image) : context.install(["cloud-init"]);

async function installedOutcome(context: GuestContext): Promise<Outcome> {
  const { guest, packages } = context;
  const program = await firstFile(guest, PROGRAMS);
  if (!program) {
    if (packages.installed("cloud-init") === true) {
      return INSTALLED.program_missing(
        { source: packages.source ?? "The package database", program: PROGRAMS[0] },
        { path: PROGRAMS[0], fix: reinstall(context) },
      );
    }
    const leftover = (await guest.stat(CONFIG)) !== null;
    const fix = context.install(["cloud-init"]);
    if (!leftover) return INSTALLED.not_installed({}, { path: PROGRAMS[0], fix });
    const say = packages.configOnly("cloud-init") ? INSTALLED.removed_not_purged : INSTALLED.config_left;
    return say({ config: CONFIG }, { path: CONFIG, fix });
  }
  const interpreter = await interpreterOf(guest, program);
  if (!interpreter) return INSTALLED.installed_program({ program }, { path: program });
  if (!interpreter.found) return INSTALLED.interpreter_missing({ program, interpreter: interpreter.path }, { path: interpreter.path, fix: reinstall(context) });
  if (!/python/.test(interpreter.path)) return INSTALLED.installed_program({ program }, { path: program });
  const module = await pythonPackage(guest, PYTHON_PACKAGE, interpreter.path);
  if (!module) {
    return INSTALLED.python_package_missing(
      { program, package: PYTHON_PACKAGE },
      { path: `${PYTHON_PACKAGE_HOME}/${PYTHON_PACKAGE}`, fix: reinstall(context) },
    );
  }
  return INSTALLED.installed({ program, module }, { path: program });
}

export const cloudInitInstalled: CheckDefinition = {
  id: "cloudinit.installed",
  severity: "fail",
  outcomes: INSTALLED,
  run: installedOutcome,
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

/**
 * The cloud-init program a start link or unit would run. One that names none runs the one installed: cloud-init 24.3's stage
 * units only signal cloud-init-main (`sh -c '... nc ...'`), which runs /usr/bin/cloud-init.
 */
async function programOf(context: GuestContext, file: string): Promise<Program> {
  const started = await startedProgram(context.guest, file, PROGRAM_NAMES, false);
  if (started) return started;
  const installed = await firstFile(context.guest, PROGRAMS);
  return installed ? { path: installed, found: true } : { path: PROGRAMS[0], found: false };
}

/** The outcome of the first stage unit that starts at boot: a pass when its program is there, a failure when it is gone; null when none starts. */
async function unitStart(context: GuestContext): Promise<Outcome | null> {
  const { services, guest } = context;
  const generator = await firstFile(guest, GENERATORS);
  const targetLinks = await services.wantedBy("cloud-init.target");
  for (const unit of STAGE_UNITS) {
    if (await services.masked(unit)) continue;
    const file = await services.unitFile(unit);
    if (!file) continue;
    for (const link of await services.wantedBy(unit)) {
      // Units wanted by cloud-init.target start when the target does: when it is enabled itself, or when the generator (which honours the
      // disable switches) pulls it into multi-user.target.
      const starts = link.by !== "cloud-init.target" || targetLinks.length > 0 || generator !== null;
      if (!starts) continue;
      const program = await programOf(context, file);
      if (!program.found) return ENABLED.start_program_missing({ start: link.path, program: program.path }, { path: program.path, fix: reinstall(context) });
      const values = { unit, link: link.path, program: program.path };
      const evidence = { path: program.path };
      if (link.by !== "cloud-init.target") return ENABLED.wanted({ ...values, target: link.by }, evidence);
      if (targetLinks.length > 0) return ENABLED.wanted_by_target({ ...values, target: targetLinks[0].by }, evidence);
      return ENABLED.wanted_by_generator({ ...values, generator: generator ?? "" }, evidence);
    }
  }
  return null;
}

async function enabledOutcome(context: GuestContext): Promise<Outcome> {
  const { guest, services } = context;
  if (!(await anyTrace(context))) return ENABLED.enabled_not_installed();
  if ((await guest.lstat(DISABLED_FILE)) !== null) {
    return ENABLED.disabled_by_file({ file: DISABLED_FILE }, { path: DISABLED_FILE, fix: deletePaths(context.image, [DISABLED_FILE]) });
  }
  const disabledOnCmdline = (await kernelCommandLines(guest)).find(({ line }) => /(^|[\s"'])cloud-init=disabled($|[\s"'])/.test(line));
  if (disabledOnCmdline) {
    return ENABLED.disabled_on_cmdline({ file: disabledOnCmdline.path }, { path: disabledOnCmdline.path, fix: context.family.cmdlineFix });
  }
  const fromUnit = await unitStart(context);
  if (fromUnit) return fromUnit;
  const sysv = await services.enablement([], SYSV_NAMES);
  if (sysv.enabled && sysv.evidence) {
    if (!sysv.starts) return ENABLED.start_script_missing({ link: sysv.evidence }, { path: sysv.evidence, fix: reinstall(context) });
    const program = await programOf(context, sysv.starts);
    if (!program.found) return ENABLED.start_program_missing({ start: sysv.evidence, program: program.path }, { path: program.path, fix: reinstall(context) });
    return ENABLED.start_link({ link: sysv.evidence, script: sysv.starts, program: program.path }, { path: program.path });
  }
  return notStarted(context);
}

/** cloud-init is there but nothing starts it: which units are masked, installed but off, or missing. */
async function notStarted(context: GuestContext): Promise<Outcome> {
  const { services } = context;
  const masked: string[] = [];
  const installed: string[] = [];
  for (const unit of STAGE_UNITS) {
    if (await services.masked(unit)) masked.push(unit);
    else if (await services.unitFile(unit)) installed.push(unit);
  }
  const start = context.family.cloudInitStart;
  if (installed.length === 0 && masked.length === 0) {
    // No unit file at all: cloud-init came without its boot integration (pip, a non-systemd distribution), so enabling needs it first.
    const enable = context.family.enableCloudInit(ENABLE_UNITS);
    if (start.startsWith("/etc/runlevels/")) return ENABLED.not_in_runlevel({}, { path: start, fix: enable });
    return ENABLED.no_units({}, { path: start, fix: `${context.install(["cloud-init"])} && ${enable}` });
  }
  const unmask = masked.length > 0 ? `sudo systemctl unmask ${masked.join(" ")} && ` : "";
  const fix = `${unmask}sudo systemctl enable ${[...new Set([...masked, ...installed])].join(" ")}`;
  const path = installed.length > 0 ? ((await services.unitFile(installed[0])) ?? `/etc/systemd/system/${installed[0]}`) : `/etc/systemd/system/${masked[0]}`;
  if (masked.length > 0) return ENABLED.units_masked({ units: masked.join(", ") }, { path, fix });
  return ENABLED.units_disabled({ units: installed.join(", ") }, { path, fix });
}

export const cloudInitEnabled: CheckDefinition = {
  id: "cloudinit.enabled",
  severity: "fail",
  outcomes: ENABLED,
  run: enabledOutcome,
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
  outcomes: CLEAN,
  async run(context) {
    const { guest } = context;
    if (!(await anyTrace(context))) return CLEAN.clean_not_installed();
    const found: string[] = [];
    for (const path of STATE_PATHS) if ((await guest.lstat(path)) !== null) found.push(path);
    for (const dir of STATE_DIRS) {
      const entries = (await guest.readdir(dir)) ?? [];
      if (entries.length > 0) found.push(`${dir}/${entries[0].name}${entries.length > 1 ? ` (and ${entries.length - 1} more)` : ""}`);
    }
    for (const path of LOGS) if (((await guest.stat(path))?.size ?? 0) > 0) found.push(path);
    if (found.length === 0) return CLEAN.clean();
    return CLEAN.state_left({ found: found.join(", ") }, { path: found[0].replace(/ \(.*$/, "") });
  },
};
