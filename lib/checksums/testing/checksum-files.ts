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

/** The signed checksum files next to them, signed at test time by gpg, and the keys to check them with. */
export const SIGNED_FILES = {
  /** The trusted signer's public key, armored: the directory is what an administrator configures (HANGAR_IMPORT_KEYS). */
  keysDir: "keys",
  /** Debian: SHA256SUMS with an armored detached signature. */
  debianSignature: "SHA256SUMS.sign",
  /** Ubuntu: SHA256SUMS with a detached signature (binary here: both forms are read). */
  ubuntuSignature: "SHA256SUMS.gpg",
  /** The clear-signed CHECKSUM with one digit changed after signing. */
  tampered: "CHECKSUM.tampered",
  /** SHA512SUMS with a detached signature of SHA256SUMS: a signature of other bytes. */
  wrongSignature: "SHA512SUMS.sign",
  /** The same lines clear-signed by a key nobody configured. */
  stranger: "CHECKSUM.stranger",
  /** The stranger's public key, to give with an import. */
  strangerKey: "stranger.asc",
} as const;

/**
 * Writes the four checksum files for `files` (names in `dir`) into `dir`, each with a comment
 * and a line for a file that is not there, as real ones have, and the signed ones (SIGNED_FILES).
 * Keys are made for the occasion by gpg, in a private home.
 */
export function writeChecksumFiles(dir: string, files: string[]): void {
  const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: dir, encoding: "utf8" });
  const other = "0".repeat(64);
  const at = (name: string) => path.join(dir, name);
  fs.writeFileSync(at(CHECKSUM_FILES.gnuSha256), `${other}  other-file.img\n` + run("sha256sum", ["-b", ...files]));
  fs.writeFileSync(at(CHECKSUM_FILES.gnuSha512), run("sha512sum", files));
  fs.writeFileSync(at(CHECKSUM_FILES.bsdSha512), run("sha512sum", ["--tag", ...files]));
  const sizes = files.map((file) => `# ${file}: ${fs.statSync(at(file)).size} bytes\n`).join("");
  const body = at("CHECKSUM.body");
  fs.writeFileSync(body, sizes + run("sha256sum", ["--tag", ...files]));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-gpg-"));
  try {
    const gpg = (...args: string[]) =>
      execFileSync("gpg", ["--homedir", home, "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "", ...args], { stdio: "pipe" });
    const signer = "signer@hangar.test";
    const stranger = "stranger@hangar.test";
    gpg("--quick-gen-key", `Hangar test signer <${signer}>`, "ed25519", "sign", "never");
    // As distributions' keys are: RSA.
    gpg("--quick-gen-key", `Hangar stranger <${stranger}>`, "rsa2048", "sign", "never");
    fs.mkdirSync(at(SIGNED_FILES.keysDir), { recursive: true });
    gpg("--armor", "--export", "--output", path.join(at(SIGNED_FILES.keysDir), "signer.asc"), signer);
    gpg("--armor", "--export", "--output", at(SIGNED_FILES.strangerKey), stranger);
    gpg("--local-user", signer, "--clearsign", "--output", at(CHECKSUM_FILES.bsdSigned), body);
    gpg("--local-user", stranger, "--clearsign", "--output", at(SIGNED_FILES.stranger), body);
    gpg("--local-user", signer, "--armor", "--detach-sign", "--output", at(SIGNED_FILES.debianSignature), at(CHECKSUM_FILES.gnuSha256));
    gpg("--local-user", signer, "--detach-sign", "--output", at(SIGNED_FILES.ubuntuSignature), at(CHECKSUM_FILES.gnuSha256));
    fs.copyFileSync(at(SIGNED_FILES.debianSignature), at(SIGNED_FILES.wrongSignature));
    // One hex digit of the first SHA256 line changed, the signature kept.
    const signed = fs.readFileSync(at(CHECKSUM_FILES.bsdSigned), "utf8");
    fs.writeFileSync(
      at(SIGNED_FILES.tampered),
      signed.replace(/(SHA256 \(.+\) = )([0-9a-f])/, (_, line: string, digit: string) => line + (digit === "0" ? "1" : "0")),
    );
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(body);
  }
}
