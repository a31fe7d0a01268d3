// The upload benchmarks' baseline: a plain Node HTTP server that streams each PUT body into a new file in a
// directory, nothing else. A new file each time, as Hangar writes one per upload: overwriting one file
// in place would let the kernel reuse its pages, a saving Hangar never gets.
import fs from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pipeline } from "node:stream/promises";

const directory = process.argv[2];
if (!directory) throw new Error("usage: put-server.ts DIRECTORY");
// A page of Hangar sends here too (bench:browser-upload): another origin, so the browser asks first.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "PUT",
  "access-control-allow-headers": "content-type",
  "access-control-max-age": "600",
};
let received = 0;
const server = createServer((req, res) => {
  if (req.method === "OPTIONS") {
    res.writeHead(204, CORS);
    res.end();
    return;
  }
  received += 1;
  pipeline(req, fs.createWriteStream(path.join(directory, `put-${received}.bin`))).then(
    () => {
      res.writeHead(204, CORS);
      res.end();
    },
    () => {
      res.writeHead(500, CORS);
      res.end();
    },
  );
});
server.requestTimeout = 0;
server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
