import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "./hangar-process";

/** A person in the test directory: uid, password, and the groups (cn under ou=groups) they are a member of. */
export interface DirectoryPerson {
  uid: string;
  password: string;
  name: string;
  email: string;
  groups: string[];
}

/** Debian's slapd on a loopback port, with a directory generated for the test (lib/sso's LDAP tests). */
export interface TestDirectory {
  url: string;
  suffix: string;
  /** The service account that may search the directory (search-then-bind). */
  service: { dn: string; password: string };
  userDn(uid: string): string;
  groupDn(cn: string): string;
  /** Stops slapd: the directory is down, for the test of that. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

const SUFFIX = "dc=example,dc=com";
const SLAPD = "/usr/sbin/slapd";
const SLAPADD = "/usr/sbin/slapadd";

/** {SSHA}, as slappasswd makes it: the directory never holds a password in clear. */
function ssha(password: string): string {
  const salt = crypto.randomBytes(8);
  return `{SSHA}${Buffer.concat([crypto.createHash("sha1").update(password).update(salt).digest(), salt]).toString("base64")}`;
}

const dnOf = (uid: string) => `uid=${uid},ou=people,${SUFFIX}`;
const groupDnOf = (cn: string) => `cn=${cn},ou=groups,${SUFFIX}`;

/**
 * The directory as LDIF: the suffix, people (inetOrgPerson, with memberOf as the memberof overlay
 * keeps it, since slapadd writes past the overlay), groups (groupOfNames) and a service account.
 */
function directoryLdif(people: DirectoryPerson[], service: { dn: string; password: string }): string {
  const groups = [...new Set(people.flatMap((person) => person.groups))];
  const entries = [
    [`dn: ${SUFFIX}`, "objectClass: dcObject", "objectClass: organization", "dc: example", "o: Example"],
    [`dn: ou=people,${SUFFIX}`, "objectClass: organizationalUnit", "ou: people"],
    [`dn: ou=groups,${SUFFIX}`, "objectClass: organizationalUnit", "ou: groups"],
    [`dn: ${service.dn}`, "objectClass: organizationalRole", "objectClass: simpleSecurityObject", "cn: hangar", `userPassword: ${ssha(service.password)}`],
    ...people.map((person) => [
      `dn: ${dnOf(person.uid)}`,
      "objectClass: inetOrgPerson",
      `uid: ${person.uid}`,
      `cn: ${person.name}`,
      `sn: ${person.name.split(" ").at(-1) ?? person.name}`,
      `displayName: ${person.name}`,
      `mail: ${person.email}`,
      `userPassword: ${ssha(person.password)}`,
      ...person.groups.map((group) => `memberOf: ${groupDnOf(group)}`),
    ]),
    ...groups.map((group) => [
      `dn: ${groupDnOf(group)}`,
      "objectClass: groupOfNames",
      `cn: ${group}`,
      ...people.filter((person) => person.groups.includes(group)).map((person) => `member: ${dnOf(person.uid)}`),
    ]),
  ];
  return entries.map((entry) => entry.join("\n")).join("\n\n") + "\n";
}

function slapdConf(dir: string, service: { dn: string }): string {
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile ${dir}/slapd.pid
database mdb
suffix "${SUFFIX}"
rootdn "cn=admin,${SUFFIX}"
directory ${dir}/data
maxsize 16777216
overlay memberof
access to attrs=userPassword by anonymous auth by self write by * none
access to * by dn.exact="${service.dn}" read by self read by users read by * none
`;
}

async function listening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode}:\n${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`slapd did not listen on ${port} within 20 s:\n${log()}`);
}

/**
 * Generates the directory into a temporary folder (slapadd of the LDIF, a slapd.conf of its own: no
 * system configuration is read or touched) and starts slapd on a free loopback port. Throws when
 * slapd is not installed (Debian's slapd package): the LDAP tests fail then, they do not skip.
 */
export async function startTestDirectory(people: DirectoryPerson[]): Promise<TestDirectory> {
  if (!fs.existsSync(SLAPD)) throw new Error(`${SLAPD} is missing: install Debian's slapd (apt-get install slapd ldap-utils), as scripts/test-all.sh does.`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-slapd-"));
  fs.mkdirSync(path.join(dir, "data"));
  const service = { dn: `cn=hangar,${SUFFIX}`, password: "service-account-password" };
  const conf = path.join(dir, "slapd.conf");
  fs.writeFileSync(conf, slapdConf(dir, service));
  fs.writeFileSync(path.join(dir, "directory.ldif"), directoryLdif(people, service));
  execFileSync(SLAPADD, ["-q", "-f", conf, "-l", path.join(dir, "directory.ldif")], { stdio: "pipe" });
  const port = await freePort();
  let output = "";
  // -d keeps slapd in the foreground, a child of this process, which stops it.
  const child = spawn(SLAPD, ["-f", conf, "-h", `ldap://127.0.0.1:${port}/`, "-d", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  try {
    await listening(port, child, () => output);
  } catch (error) {
    child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  return {
    url: `ldap://127.0.0.1:${port}`,
    suffix: SUFFIX,
    service,
    userDn: dnOf,
    groupDn: groupDnOf,
    stop,
    async close() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
