import type { AddressInfo } from "node:net";
import { bootstrapAccounts } from "../lib/accounts/bootstrap";
import { passwordLinkTtlMs } from "../lib/accounts/password-links";
import { ConfigError } from "../lib/config-error";
import { db } from "../lib/db/client";
import { migrationsAtStart } from "../lib/db/migrations-at-start";
import { startHangar } from "../lib/server/hangar";
import { ssoConfig } from "../lib/sso/config";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "0.0.0.0";
const dev = process.argv.includes("--dev");
// next-auth builds absolute URLs from NEXTAUTH_URL; default it to where this server listens.
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;

// A database behind this release's migrations, a malformed link lifetime or single sign-on setting, or no way for an
// administrator to sign in stops the start with its message.
try {
  await migrationsAtStart();
  passwordLinkTtlMs();
  ssoConfig();
  for (const note of (await bootstrapAccounts(db())).notes) console.log(`accounts: ${note}`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Hangar cannot start: ${error.message}`);
  process.exit(1);
}

const { server, glance } = await startHangar({ port, hostname, dev });
// PORT=0 picks a free port: print the one chosen (tests read this line).
const shown = hostname === "0.0.0.0" ? "localhost" : hostname;
console.log(`Hangar is listening on http://${shown}:${(server.address() as AddressInfo).port}`);
if (glance) console.log(`Hangar's Glance API (Image API v2) is listening on http://${shown}:${(glance.address() as AddressInfo).port}`);
