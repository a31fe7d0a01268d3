import { isInspectError } from "../../../errors";
import { sysprepCommand } from "../fixes";
import { defineOutcomes } from "../../../codes";
import { registryPath, windowsPath } from "../paths";
import type { WindowsCheckDefinition, WindowsContext } from "../context";
import { readWindowsText } from "./text-files";

/** Why it matters, in the words every specialized-image message uses. */
const DIFFERENCE = [
  "A generalized image (sysprep /generalize) has its machine-specific state removed:",
  "each instance runs Windows setup at first boot and gets its own security identifier (SID), computer name and device configuration.",
  "A specialized image is a copy of one installed machine: every instance boots as that machine, with its SID and name,",
  "which breaks domain membership and WSUS or licensing servers that tell machines apart by them; use one only to move that single machine.",
] as const;

export const GENERALIZED = defineOutcomes("hygiene.generalized", {
  "windows.generalized": {
    status: "pass",
    message: [
      "The image is generalized ({state}, {sources}): each instance runs Windows setup at first boot and gets its own SID,",
      "computer name and device configuration.",
    ],
  },
  "windows.generalized_audit": {
    status: "pass",
    message: [
      "The image is generalized and resealed to audit mode ({state}, {sources}): each instance gets its own SID and name,",
      "and boots into audit mode rather than the out-of-box experience.",
    ],
  },
  "windows.specialized": {
    status: "warn",
    message: ["The image is specialized ({state}, {sources}).", ...DIFFERENCE],
    fix: "In the source machine: {sysprep}",
  },
  "windows.undeployable": {
    status: "fail",
    message: [
      "Sysprep did not finish ({state}, {sources}): Windows setup cannot complete on this image,",
      "and instances stop at 'Windows could not complete the installation'.",
    ],
    fix: [
      "Go back to the source machine before sysprep (a snapshot), read C:\\Windows\\System32\\Sysprep\\Panther\\setuperr.log, fix what it names, and run:",
      "{sysprep}",
    ],
  },
  "windows.image_state_unknown": {
    status: "warn",
    message: [
      "Windows setup recorded no image state (no ImageState in the registry or in State.ini), so Hangar cannot tell whether the image was generalized.",
      ...DIFFERENCE,
    ],
    fix: "In the source machine: {sysprep}",
  },
});

const STATE_KEY = "Microsoft\\Windows\\CurrentVersion\\Setup\\State";
const STATE_INI = "/Windows/Setup/State/State.ini";

/** ImageState from the registry and from State.ini (both written by Windows setup); the registry wins when they differ. */
async function imageState(context: WindowsContext): Promise<{ state: string | null; sources: string[]; path: string }> {
  const sources: string[] = [];
  let state: string | null = null;
  let path = registryPath("SOFTWARE", STATE_KEY);
  try {
    const fromRegistry = await (await (await context.hive("SOFTWARE")).key(STATE_KEY))?.string("ImageState");
    if (fromRegistry) {
      state = fromRegistry;
      sources.push(`${path}\\ImageState`);
    }
  } catch (error) {
    if (!isInspectError(error)) throw error;
  }
  const ini = await readWindowsText(context.guest, STATE_INI, 64 * 1024);
  const fromIni = ini ? (/^\s*ImageState\s*=\s*(\S+)/im.exec(ini)?.[1] ?? null) : null;
  if (fromIni) {
    sources.push(`${windowsPath(STATE_INI)}${state && fromIni !== state ? ` says ${fromIni}` : ""}`);
    if (!state) path = windowsPath(STATE_INI);
    state ??= fromIni;
  }
  return { state, sources, path };
}

export const generalized: WindowsCheckDefinition = {
  id: "hygiene.generalized",
  severity: "fail",
  outcomes: GENERALIZED,
  async run(context) {
    const { state, sources, path } = await imageState(context);
    const cloudbaseInit = (await (await context.services()).get("cloudbase-init")) !== null;
    const values = { state: state ?? "none", sources: `from ${sources.join(" and ")}`, sysprep: sysprepCommand(cloudbaseInit) };
    switch (state?.toUpperCase()) {
      case undefined:
        return GENERALIZED["windows.image_state_unknown"]({ sysprep: values.sysprep }, { path: registryPath("SOFTWARE", STATE_KEY) });
      case "IMAGE_STATE_GENERALIZE_RESEAL_TO_OOBE":
        return GENERALIZED["windows.generalized"](values, { path });
      case "IMAGE_STATE_GENERALIZE_RESEAL_TO_AUDIT":
        return GENERALIZED["windows.generalized_audit"](values, { path });
      case "IMAGE_STATE_UNDEPLOYABLE":
        return GENERALIZED["windows.undeployable"](values, { path });
      default:
        return GENERALIZED["windows.specialized"](values, { path });
    }
  },
};
