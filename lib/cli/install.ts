// How to install the `hangar` bundle from a portal: shown on Settings, in the version endpoint, and by
// the CLI itself when the server's API is newer than it. Nothing here may import Node modules.

/** Where a portal serves the bundle (app/cli/hangar) and its SHA-256 in `sha256sum -c` format. */
export const CLI_DOWNLOAD_PATH = "/cli/hangar";
export const CLI_SHA256_PATH = "/cli/hangar.sha256";

/** On the PATH of most Linux desktops and servers once it exists, and writable without root. */
export const DEFAULT_INSTALL_DIR = "~/.local/bin";
export const DEFAULT_INSTALL_PATH = `${DEFAULT_INSTALL_DIR}/hangar`;

/** A path as a POSIX shell reads it: a leading ~/ stays unquoted so that the shell expands it. */
function shellPath(file: string): string {
  const [prefix, rest] = file.startsWith("~/") ? ["~/", file.slice(2)] : ["", file];
  return /^[\w./@%+=:,-]+$/.test(rest) ? `${prefix}${rest}` : `${prefix}'${rest.replace(/'/g, `'\\''`)}'`;
}

/** Downloads the bundle from the portal at `serverUrl` to `target` (creating its directory) and makes it executable. */
export function installCommand(serverUrl: string, target = DEFAULT_INSTALL_PATH): string {
  const file = shellPath(target);
  return `curl -fsSL --create-dirs -o ${file} ${serverUrl}${CLI_DOWNLOAD_PATH} && chmod +x ${file}`;
}

/** Checks the bundle saved in `dir` against the portal's SHA-256; prints "hangar: OK". */
export function verifyCommand(serverUrl: string, dir = DEFAULT_INSTALL_DIR): string {
  return `(cd ${shellPath(dir)} && curl -fsSL ${serverUrl}${CLI_SHA256_PATH} | sha256sum -c -)`;
}

/** Logs in with a token pasted at the prompt (or piped in), so that it stays out of the shell history and the process list. */
export function loginCommand(serverUrl: string): string {
  return `hangar login --url ${serverUrl} --token-stdin`;
}
