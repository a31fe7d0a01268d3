import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const libDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "lib") + path.sep;

// lib/ is TypeScript that Node loads (through tsx) rather than Next bundles: see serverLibExternal. The build's
// workers load it too when they collect page data, so they get tsx as the server does (workers inherit NODE_OPTIONS).
if (!/--import[= ]tsx\b/.test(process.env.NODE_OPTIONS ?? "")) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import=tsx`.trim();

/**
 * On the server, every import that lands in lib/ becomes `import("file:///…/lib/….ts")` at run time, so Node's
 * module cache holds the one instance that pages, actions, route handlers and Hangar's own server
 * (scripts/start.ts) all share. Bundled, each of Next's entries and layers would get a copy of its own
 * (docs/decisions.md, "One module instance per process"). The browser bundle is left as it is.
 */
async function serverLibExternal({ context, request, getResolve }) {
  if (!context || !request || !(request.startsWith("@/lib/") || request.startsWith(".") || request.startsWith(libDir))) return undefined;
  if (request.startsWith(".") && !path.resolve(context, request).startsWith(libDir)) return undefined;
  const file = await getResolve()(context, request);
  return file.startsWith(libDir) ? `import ${pathToFileURL(file).href}` : undefined;
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and Node-only packages stay out of the server bundle.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg", "@node-rs/argon2", "@tus/server", "@tus/file-store"],
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a real 403 status.
  experimental: { authInterrupts: true, serverSourceMaps: true },
  // Built with webpack (`next build --webpack`): Turbopack cannot leave local modules to Node.
  webpack(config, { isServer, nextRuntime }) {
    if (isServer && nextRuntime === "nodejs") config.externals.unshift(serverLibExternal);
    return config;
  },
};

export default nextConfig;
