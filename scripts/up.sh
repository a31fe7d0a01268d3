#!/usr/bin/env bash
# Installs, migrates, seeds, builds (the server and the hangar bundle it serves) and starts Hangar on http://localhost:${PORT:-3000}.
set -euo pipefail
cd "$(dirname "$0")/.."
# A local try: the demo user and example images, and outside production an administrator with the demo
# password (lib/accounts/bootstrap.ts). In production set HANGAR_ADMIN_PASSWORD, and HANGAR_DEMO=0.
export HANGAR_DEMO="${HANGAR_DEMO:-1}"
npm install --no-audit --no-fund
npm run db:generate
npm run db:migrate
npx tsx scripts/seed.ts
npm run build:cli
npx next build --webpack
exec node --import tsx scripts/start.ts
