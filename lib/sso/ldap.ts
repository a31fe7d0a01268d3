import { Client, type Entry, escapeFilter, InvalidCredentialsError } from "ldapts";
import type { LdapConfig } from "./config";

/** A user the directory vouched for: their entry and groups. */
export interface DirectoryUser {
  dn: string;
  /** The entry's lasting id (the configured attribute), else its DN. */
  id: string;
  email: string | null;
  name: string | null;
  /** Group DNs (memberOf) or names and DNs (group search). */
  groups: string[];
}

/** The directory could not be asked (down, refused the service account, timed out): not the user's fault. */
export class DirectoryUnavailable extends Error {}

/** A value inside a DN (RFC 4514): the special characters, and spaces and # where they would change meaning, escaped. */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=\0]/g, (c) => (c === "\0" ? "\\00" : `\\${c}`))
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, "\\ ");
}

/** A value inside a search filter (RFC 4515): ldapts escapes what a tagged template interpolates. */
const filterValue = (value: string) => escapeFilter`${value}`;

// A user principal name ({username}@corp.example.com) is not a DN: there the name is only allowed plain characters.
const PLAIN_NAME = /^[^\s,=+<>#;\\"*()\0/]+$/;

function attribute(entry: Entry, name: string): string[] {
  const found = Object.entries(entry).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  if (found === undefined) return [];
  const values = Array.isArray(found) ? found : [found];
  return values.map((item) => {
    if (typeof item === "string") return item;
    // A binary id (Active Directory's objectGUID): text when it is text, else hex.
    const text = item.toString("utf8");
    return /^[\x20-\x7e]+$/.test(text) ? text : item.toString("hex");
  });
}

async function connect(config: LdapConfig): Promise<Client> {
  const tlsOptions = config.ca ? { ca: config.ca } : {};
  const client = new Client({ url: config.url, timeout: config.timeoutMs, connectTimeout: config.timeoutMs, tlsOptions });
  if (config.startTls) await client.startTLS(tlsOptions);
  return client;
}

/** The user's entry: read at `dn` when Hangar knows it, else found under the user base with the user filter. */
async function findEntry(client: Client, config: LdapConfig, username: string, dn: string | null): Promise<Entry | null> {
  const attributes = [config.emailAttribute, config.nameAttribute, "cn", config.idAttribute, ...(config.groupSource === "memberOf" ? ["memberOf"] : [])];
  const options = { attributes, explicitBufferAttributes: [config.idAttribute], sizeLimit: 2 };
  if (dn) {
    const { searchEntries } = await client.search(dn, { ...options, scope: "base" });
    return searchEntries[0] ?? null;
  }
  const filter = config.userFilter.replaceAll("{username}", filterValue(username));
  const { searchEntries } = await client.search(config.userBase ?? "", { ...options, scope: "sub", filter });
  // Two entries for one name: which one is meant is not for Hangar to guess.
  return searchEntries.length === 1 ? (searchEntries[0] ?? null) : null;
}

async function groupsOf(client: Client, config: LdapConfig, entry: Entry, username: string): Promise<string[]> {
  if (config.groupSource === "none") return [];
  if (config.groupSource === "memberOf") return attribute(entry, "memberOf");
  const filter = config.groupFilter.replaceAll("{dn}", filterValue(entry.dn)).replaceAll("{username}", filterValue(username));
  const { searchEntries } = await client.search(config.groupBase ?? "", { scope: "sub", filter, attributes: [config.groupNameAttribute] });
  return searchEntries.flatMap((group) => [group.dn, ...attribute(group, config.groupNameAttribute)]);
}

const isWrongPassword = (error: unknown) => error instanceof InvalidCredentialsError;

/**
 * Checks a user name and password against the directory: search-then-bind (the service account finds
 * the entry, then Hangar binds as it with the password) or a direct bind from HANGAR_LDAP_USER_DN.
 * Null for an unknown name or a wrong password; DirectoryUnavailable when the directory cannot answer.
 * An empty password is refused before anything is sent: LDAP treats a bind without one as an
 * anonymous bind that succeeds.
 */
export async function ldapAuthenticate(config: LdapConfig, username: string, password: string): Promise<DirectoryUser | null> {
  if (!username || !password) return null;
  let client: Client | null = null;
  try {
    client = await connect(config);
    let entry: Entry | null;
    if (config.bindDn) {
      await client.bind(config.bindDn, config.bindPassword ?? "").catch((error: unknown) => {
        throw new DirectoryUnavailable(`the service account HANGAR_LDAP_BIND_DN could not bind (${(error as Error).message})`);
      });
      entry = await findEntry(client, config, username, null);
      if (!entry) return null;
      await client.bind(entry.dn, password);
    } else {
      const template = config.userDnTemplate ?? "";
      const isDn = template.includes("=");
      if (!isDn && !PLAIN_NAME.test(username)) return null;
      const bindDn = template.replaceAll("{username}", isDn ? escapeDnValue(username) : username);
      await client.bind(bindDn, password);
      entry = await findEntry(client, config, username, isDn ? bindDn : null);
      if (!entry) return null;
    }
    const groups = await groupsOf(client, config, entry, username);
    return {
      dn: entry.dn,
      id: attribute(entry, config.idAttribute).at(0) ?? entry.dn,
      email: attribute(entry, config.emailAttribute).at(0) ?? null,
      name: attribute(entry, config.nameAttribute).at(0) ?? attribute(entry, "cn").at(0) ?? null,
      groups,
    };
  } catch (error) {
    if (isWrongPassword(error)) return null;
    if (error instanceof DirectoryUnavailable) throw error;
    throw new DirectoryUnavailable(error instanceof Error ? error.message : String(error));
  } finally {
    await client?.unbind().catch(() => undefined);
  }
}
