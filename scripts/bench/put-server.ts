// The benchmark's baseline: a plain Node HTTP server that streams a PUT body into a file, nothing else.
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream/promises";

const target = process.argv[2];
if (!target) throw new Error("usage: put-server.ts FILE");
const server = createServer((req, res) => {
  pipeline(req, fs.createWriteStream(target)).then(
    () => { res.writeHead(204); res.end(); },
    () => { res.writeHead(500); res.end(); },
  );
});
server.requestTimeout = 0;
server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
