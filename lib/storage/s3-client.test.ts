import net from "node:net";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client } from "./s3-client";

/** A store that accepts connections and then neither reads nor answers: what a full Ceph cluster's RGW looked like (docs/decisions.md). */
let silent: net.Server;
const held: net.Socket[] = [];

beforeAll(async () => {
  silent = net.createServer((socket) => {
    socket.pause();
    held.push(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

describe("the S3 client", () => {
  it("fails a request whose store stops moving bytes, after the stall timeout, rather than waiting forever", async () => {
    const { port } = silent.address() as net.AddressInfo;
    const client = createS3Client({
      endpoint: `http://127.0.0.1:${port}`,
      bucket: "images",
      region: "default",
      accessKeyId: "AKID",
      secretAccessKey: "secret",
      forcePathStyle: true,
      stallTimeoutMs: 1_000,
    });
    const body = Buffer.alloc(8 << 20, 1);
    const put = client.send(new PutObjectCommand({ Bucket: "images", Key: "stalled", Body: body, ContentLength: body.length }));
    await expect(put).rejects.toMatchObject({ name: "TimeoutError" });
    expect(held.length).toBeGreaterThan(0);
    client.destroy();
  }, 30_000);
});
