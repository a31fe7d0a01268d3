import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkLocalPassword } from "../auth/users";
import { type Db, openDb } from "../db/client";
import { applyMigrations } from "../db/migrate";
import { BootstrapRefused, bootstrapAccounts, DEFAULT_ADMIN, DEFAULT_DEMO } from "./bootstrap";

let dir: string;
let db: Db;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-bootstrap-"));
  applyMigrations(path.join(dir, "hangar.db"));
  db = openDb(`file:${path.join(dir, "hangar.db")}`);
});
afterEach(async () => {
  await db.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the first administrator", () => {
  it("a production start without HANGAR_ADMIN_PASSWORD refuses to create one with a default password, and says what to set", async () => {
    const refused = bootstrapAccounts(db, { NODE_ENV: "production" });
    await expect(refused).rejects.toBeInstanceOf(BootstrapRefused);
    await expect(refused).rejects.toThrow(/HANGAR_ADMIN_PASSWORD/);
    expect(await db.user.count()).toBe(0);
  });

  it("HANGAR_ADMIN_PASSWORD creates it in production, and later starts without it find it", async () => {
    const env = { NODE_ENV: "production", HANGAR_ADMIN_EMAIL: "Ops@Example.com", HANGAR_ADMIN_PASSWORD: "a long admin password" };
    expect((await bootstrapAccounts(db, env)).admin).toMatchObject({ email: "ops@example.com", role: "admin" });
    expect((await checkLocalPassword(db, "ops@example.com", "a long admin password")).outcome).toBe("ok");
    expect((await bootstrapAccounts(db, { NODE_ENV: "production" })).notes).toEqual([]);
    // No default password and no demo user appeared.
    expect((await checkLocalPassword(db, DEFAULT_ADMIN.email, DEFAULT_ADMIN.password)).outcome).not.toBe("ok");
    expect(await db.user.count()).toBe(1);
  });

  it("refuses a short HANGAR_ADMIN_PASSWORD", async () => {
    await expect(bootstrapAccounts(db, { NODE_ENV: "production", HANGAR_ADMIN_PASSWORD: "short" })).rejects.toThrow(/shorter than/);
  });

  it("outside production (a local try), the first start creates the administrator with the well-known password, and the demo user only when asked", async () => {
    const first = await bootstrapAccounts(db, {});
    expect(first.admin?.email).toBe(DEFAULT_ADMIN.email);
    expect(first.demo).toBeNull();
    expect((await checkLocalPassword(db, DEFAULT_ADMIN.email, DEFAULT_ADMIN.password)).outcome).toBe("ok");
    expect((await bootstrapAccounts(db, { HANGAR_DEMO: "1" })).demo?.email).toBe(DEFAULT_DEMO.email);
    expect((await checkLocalPassword(db, DEFAULT_DEMO.email, DEFAULT_DEMO.password)).outcome).toBe("ok");
  });
});
