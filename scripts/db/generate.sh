#!/usr/bin/env bash
# Generates both Prisma clients: lib/db/generated (SQLite, the types the code compiles against) and
# lib/db/generated-postgresql. prisma.config.ts picks the schema from DATABASE_URL's scheme; generating
# opens no database, so these URLs only choose.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATABASE_URL="file:./data/hangar.db" npx prisma generate
DATABASE_URL="postgresql://localhost/hangar" npx prisma generate
