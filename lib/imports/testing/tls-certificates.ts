import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export interface Certificate {
  key: string;
  cert: string;
}

/** Arguments of `openssl req` for a new P-256 key and a certificate valid two days. */
const newKey = (dir: string, name: string, subject: string) => [
  "req",
  "-x509",
  "-newkey",
  "ec",
  "-pkeyopt",
  "ec_paramgen_curve:prime256v1",
  "-nodes",
  "-days",
  "2",
  "-keyout",
  path.join(dir, `${name}.key`),
  "-out",
  path.join(dir, `${name}.pem`),
  "-subj",
  subject,
];

const read = (dir: string, name: string): Certificate => ({
  key: fs.readFileSync(path.join(dir, `${name}.key`), "utf8"),
  cert: fs.readFileSync(path.join(dir, `${name}.pem`), "utf8"),
});

/**
 * A certificate authority made for one test run (with openssl, in `dir`), as an internal mirror's CA is:
 * `ca.pem` is its certificate, to trust; `issue` signs a server certificate for the given names
 * ("IP:127.0.0.1", "DNS:mirror.lab").
 */
export function testCertificateAuthority(dir: string): { caFile: string; issue: (name: string, altNames: string[]) => Certificate } {
  fs.mkdirSync(dir, { recursive: true });
  const run = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  run([...newKey(dir, "ca", "/CN=Hangar test CA"), "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
  const ca = ["-CA", path.join(dir, "ca.pem"), "-CAkey", path.join(dir, "ca.key")];
  return {
    caFile: path.join(dir, "ca.pem"),
    issue: (name, altNames) => {
      run([...newKey(dir, name, `/CN=${name}`), ...ca, "-addext", `subjectAltName=${altNames.join(",")}`, "-addext", "basicConstraints=critical,CA:FALSE"]);
      return read(dir, name);
    },
  };
}
