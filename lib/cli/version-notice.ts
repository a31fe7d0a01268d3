import { API_VERSION, apiVersionGap } from "../api/version";
import { HANGAR_VERSION } from "../version";
import { DEFAULT_INSTALL_PATH, installCommand } from "./install";

/** The bundle's own file, set by its entry (bin.ts); null when hangar runs from a checkout (scripts/hangar.mjs). */
let installedAt: string | null = null;
let checked = false;

const NOTICES = {
  features: { consequence: "what the server added since is missing here", update: "Update it from the server" },
  incompatible: { consequence: "it may misread the server's answers", update: "Update it from the server before you rely on it" },
} as const;

export function setInstalledAt(file: string): void {
  installedAt = file;
}

/**
 * Compares the API version a server announced (the Hangar-Api-Version header) with this CLI's, on
 * the first answer of a run only: a server whose API is newer gets one message on stderr, with the
 * command that updates this hangar from that server. An older server, or one that announces
 * nothing (before API versions), gets none.
 */
export function checkServerApiVersion(announced: string | null, serverUrl: string): void {
  if (checked || announced === null) return;
  checked = true;
  const gap = apiVersionGap(announced, API_VERSION);
  if (gap === null || gap === "none") return;
  const notice = NOTICES[gap];
  const update = installCommand(serverUrl, installedAt ?? DEFAULT_INSTALL_PATH);
  const how = installedAt ? notice.update : "Update this checkout (git pull), or install the server's own hangar";
  process.stderr.write(
    `hangar: ${serverUrl} speaks API ${announced}; this hangar (${HANGAR_VERSION}) speaks API ${API_VERSION}, so ${notice.consequence}. ${how}:\n  ${update}\n`,
  );
}
