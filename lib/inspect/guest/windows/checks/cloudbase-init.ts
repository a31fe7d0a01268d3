import { defineOutcomes } from "../../../codes";
import { argumentOf, guestPathOf, registryPath } from "../paths";
import { START, type WindowsService } from "../services";
import type { WindowsCheckDefinition, WindowsContext } from "../context";

const INSTALL = [
  "In the source machine, before generalizing: msiexec /i CloudbaseInitSetup_Stable_x64.msi /qn /l*v cloudbase-init-install.log",
  " (from https://cloudbase.it/cloudbase-init/)",
] as const;

export const INSTALLED = defineOutcomes("cloudinit.installed", {
  "windows.cloudbase_init_installed": { status: "pass", message: "Cloudbase-Init is installed: the cloudbase-init service runs {program} with {config}." },
  "windows.cloudbase_init_missing": {
    status: "fail",
    message: [
      "Cloudbase-Init is not installed (no cloudbase-init service in {controlSet}): instances get no hostname, administrator password,",
      "SSH keys or user data from the cloud's metadata.",
    ],
    fix: INSTALL,
  },
  "windows.cloudbase_init_broken": {
    status: "fail",
    message: [
      "The cloudbase-init service is registered, but what it would run at boot is missing: {missing}.",
      "Nothing configures an instance from the cloud's metadata.",
    ],
    fix: INSTALL,
  },
});

export const ENABLED = defineOutcomes("cloudinit.enabled", {
  "windows.cloudbase_init_enabled": { status: "pass", message: "The cloudbase-init service starts automatically at boot{delayed}." },
  "windows.cloudbase_init_disabled": {
    status: "fail",
    message: "The cloudbase-init service {start} (Start={value}): nothing runs it at boot, so instances are not configured from the cloud's metadata.",
    fix: "In the source machine, before generalizing: sc.exe config cloudbase-init start= auto",
  },
  "windows.enabled_skipped_no_cloudbase_init": { status: "skip", message: "Cloudbase-Init is not installed (see cloudinit.installed)." },
});

export const CLEAN = defineOutcomes("cloudinit.clean", {
  "windows.cloudbase_init_clean": {
    status: "pass",
    message: "Cloudbase-Init keeps no state from an earlier run: it runs all its plugins at an instance's first boot.",
  },
  "windows.cloudbase_init_state": {
    status: "warn",
    message: [
      "Cloudbase-Init already ran in this image ({instances}; plugins marked done: {plugins}): an instance that reuses that ID skips them,",
      "and the image carries the source machine's deployment.",
    ],
    fix: "In the source machine, before generalizing: {commands}",
  },
  "windows.clean_skipped_no_cloudbase_init": { status: "skip", message: "Cloudbase-Init is not installed (see cloudinit.installed)." },
});

const STATE_KEY = "Cloudbase Solutions\\Cloudbase-Init";

/** The cloudbase-init service, and the program and configuration file its command line names. */
async function cloudbaseInit(context: WindowsContext): Promise<{ service: WindowsService; missing: string[]; program: string; config: string } | null> {
  const service = await (await context.services()).get("cloudbase-init");
  if (!service) return null;
  const commandLine = service.imagePath ?? "";
  // The service wrapper (OpenStackService.exe) runs Python's cloudbase-init.exe, which reads --config-file.
  const program = /"([^"]*cloudbase-init\.exe)"/i.exec(commandLine)?.[1] ?? service.programWindows ?? "cloudbase-init.exe";
  const config = argumentOf(commandLine, "--config-file") ?? "(no --config-file)";
  const missing: string[] = [];
  for (const file of [service.programWindows, program, argumentOf(commandLine, "--config-file")]) {
    if (!file || missing.includes(file)) continue;
    const path = guestPathOf(file);
    if (!path || (await context.guest.stat(path))?.type !== "file") missing.push(file);
  }
  return { service, missing, program, config };
}

export const cloudInitInstalled: WindowsCheckDefinition = {
  id: "cloudinit.installed",
  severity: "fail",
  outcomes: INSTALLED,
  async run(context) {
    const found = await cloudbaseInit(context);
    const controlSet = await context.controlSet();
    if (!found) return INSTALLED["windows.cloudbase_init_missing"]({ controlSet }, { path: registryPath("SYSTEM", `${controlSet}\\Services`) });
    if (found.missing.length > 0) return INSTALLED["windows.cloudbase_init_broken"]({ missing: found.missing.join(", ") }, { path: found.missing[0] });
    return INSTALLED["windows.cloudbase_init_installed"]({ program: found.program, config: found.config }, { path: found.program });
  },
};

export const cloudInitEnabled: WindowsCheckDefinition = {
  id: "cloudinit.enabled",
  severity: "fail",
  outcomes: ENABLED,
  async run(context) {
    const service = await (await context.services()).get("cloudbase-init");
    if (!service) return ENABLED["windows.enabled_skipped_no_cloudbase_init"]();
    if (service.start === START.automatic)
      return ENABLED["windows.cloudbase_init_enabled"]({ delayed: service.delayed ? " (delayed start)" : "" }, { path: service.key });
    const start =
      service.start === START.disabled ? "is disabled" : service.start === START.manual ? "starts only on demand (manual)" : "does not start automatically";
    return ENABLED["windows.cloudbase_init_disabled"]({ start, value: service.start ?? "missing" }, { path: service.key });
  },
};

export const cloudInitClean: WindowsCheckDefinition = {
  id: "cloudinit.clean",
  severity: "warn",
  outcomes: CLEAN,
  async run(context) {
    if (!(await (await context.services()).get("cloudbase-init"))) return CLEAN["windows.clean_skipped_no_cloudbase_init"]();
    const state = await (await context.hive("SOFTWARE")).key(STATE_KEY);
    // Plugin state lives under <instance id>\Plugins (older releases: Plugins directly under the key).
    const instances = state ? await state.subkeys() : [];
    if (instances.length === 0) return CLEAN["windows.cloudbase_init_clean"]({}, { path: registryPath("SOFTWARE", STATE_KEY) });
    const plugins = new Set<string>();
    for (const instance of instances.slice(0, 16)) {
      const list = instance.name.toLowerCase() === "plugins" ? instance : await instance.subkey("Plugins");
      for (const value of (await list?.values()) ?? []) plugins.add(value.name);
    }
    const keys = instances.map((k) => registryPath("SOFTWARE", `${STATE_KEY}\\${k.name}`));
    return CLEAN["windows.cloudbase_init_state"](
      {
        instances: instances.length === 1 ? `instance ${instances[0].name}` : `${instances.length} instances`,
        plugins: [...plugins].sort().join(", ") || "none",
        commands: keys.map((key) => `reg delete "${key}" /f`).join(" & "),
      },
      { path: keys[0] },
    );
  },
};
