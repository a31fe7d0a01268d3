// The benchmark's baseline: a plain Node HTTP server that streams each PUT body into a new file in a
// directory, nothing else. A new file each time, as Hangar writes one per upload: overwriting one file
// in place would let the kernel reuse its pages, a saving Hangar never gets.
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pipeline } from "node:stream/promises";

const directory = process.argv[2];
if (!directory) throw new Error("usage: put-server.ts DIRECTORY");
let received = 0;
const server = createServer((req, res) => {
  received += 1;
  pipeline(req, fs.createWriteStream(path.join(directory, `put-${received}.bin`))).then(
    () => {
      res.writeHead(204);
      res.end();
    },
    () => {
      res.writeHead(500);
      res.end();
    },
  );
});
server.requestTimeout = 0;
server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
