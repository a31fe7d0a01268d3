/**
 * The portal's public address, from which links and redirects are made: NEXTAUTH_URL (scripts/start.ts
 * sets it to where the server listens when unset), never a request's Host header, which a client chooses.
 */
export function publicUrl(env: Record<string, string | undefined> = process.env): string {
  return (env.NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/+$/, "");
}
