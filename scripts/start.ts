import type { AddressInfo } from "node:net";
import { startHangar } from "../lib/server/hangar";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "0.0.0.0";
const dev = process.argv.includes("--dev");
// next-auth builds absolute URLs from NEXTAUTH_URL; default it to where this server listens.
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;

const server = await startHangar({ port, hostname, dev });
// PORT=0 picks a free port: print the one chosen (tests read this line).
const actual = (server.address() as AddressInfo).port;
console.log(`Hangar is listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${actual}`);
