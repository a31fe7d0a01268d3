import type { DatabaseProvider } from "./url";

/**
 * Where each database engine's Prisma files live. prisma/schema.prisma is the one source of truth
 * (written for SQLite, the default); the PostgreSQL schema is derived from it and both migration
 * folders are written together by `npm run db:migration -- <name>` (scripts/db/migration.ts).
 */
export const PROVIDERS: Record<DatabaseProvider, { schema: string; migrations: string }> = {
  sqlite: { schema: "prisma/schema.prisma", migrations: "prisma/migrations" },
  postgresql: { schema: "prisma/postgresql/schema.prisma", migrations: "prisma/postgresql/migrations" },
};
