import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The checksum files distributions publish, written by the tools that write theirs. */
export const CHECKSUM_FILES = {
  /** Debian, Ubuntu: `sha256sum` (Ubuntu's with "*": binary mode). */
  gnuSha256: "SHA256SUMS",
  /** Debian: `sha512sum`. */
  gnuSha512: "SHA512SUMS",
  /** Fedora, Rocky: `sha256sum --tag`, clear-signed with OpenPGP. */
  bsdSigned: "CHECKSUM",
  /** `sha512sum --tag`, unsigned. */
  bsdSha512: "CHECKSUM.sha512",
} as const;

/**
 * Writes the four checksum files for `files` (names in `dir`) into `dir`, each with a comment
 * and a line for a file that is not there, as real ones have. The clear-signed one is signed
 * with gpg by a key made for the occasion (GnuPG in a private home).
 */
export function writeChecksumFiles(dir: string, files: string[]): void {
  const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: dir, encoding: "utf8" });
  const other = "0".repeat(64);
  fs.writeFileSync(path.join(dir, CHECKSUM_FILES.gnuSha256), `${other}  other-file.img\n` + run("sha256sum", ["-b", ...files]));
  fs.writeFileSync(path.join(dir, CHECKSUM_FILES.gnuSha512), run("sha512sum", files));
  fs.writeFileSync(path.join(dir, CHECKSUM_FILES.bsdSha512), run("sha512sum", ["--tag", ...files]));
  const sizes = files.map((file) => `# ${file}: ${fs.statSync(path.join(dir, file)).size} bytes\n`).join("");
  const body = path.join(dir, "CHECKSUM.body");
  fs.writeFileSync(body, sizes + run("sha256sum", ["--tag", ...files]));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-gpg-"));
  try {
    const gpg = (...args: string[]) =>
      execFileSync("gpg", ["--homedir", home, "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "", ...args], { stdio: "pipe" });
    gpg("--quick-gen-key", "Hangar test signer <signer@hangar.test>", "ed25519", "sign", "never");
    gpg("--clearsign", "--output", path.join(dir, CHECKSUM_FILES.bsdSigned), body);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(body);
  }
}
