import { downloadRoutes } from "../lib/server/download-routes";
import { startServer } from "../lib/server/server";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "0.0.0.0";
const dev = process.argv.includes("--dev");
// next-auth builds absolute URLs from NEXTAUTH_URL; default it to where this server listens.
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;

await startServer({ port, hostname, dev }, [...downloadRoutes()]);
console.log(`Hangar is listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`);
