import http from "node:http";
import type { AddressInfo } from "node:net";
import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../db/client";
import { freePort } from "../testing/hangar-process";
import { engineOutage, RETRY_AFTER_SECONDS, watchOutages } from "./engine-outage";

// The errors are the clients' own, from engines that are really away: a port nobody listens on, for
// node-postgres (as the upload locker meets it), Prisma on PostgreSQL and the AWS SDK.
const rejection = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
};

let downPort: number;
beforeAll(async () => {
  downPort = await freePort();
});

describe("engineOutage", () => {
  it("names the database for node-postgres's refused connection", async () => {
    const client = new pg.Client({ connectionString: `postgresql://hangar@127.0.0.1:${downPort}/hangar` });
    const error = await rejection(() => client.connect());
    expect(engineOutage(error)).toEqual({
      engine: "database",
      status: 503,
      message: expect.stringContaining("cannot reach its database") as string,
      headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
    });
  });

  it("names the database for Prisma's queries and raw queries on a PostgreSQL that is down", async () => {
    const db = openDb(`postgresql://hangar@127.0.0.1:${downPort}/hangar`);
    try {
      expect(engineOutage(await rejection(() => db.user.findFirst()))?.engine).toBe("database");
      expect(engineOutage(await rejection(() => db.$queryRaw`SELECT 1`))?.engine).toBe("database");
    } finally {
      await db.$disconnect();
    }
  });

  it("names the store for the AWS SDK's network error, found through a cause", async () => {
    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${downPort}`,
      region: "us-east-1",
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    const error = await rejection(() => s3.send(new GetObjectCommand({ Bucket: "images", Key: "x" })));
    expect(engineOutage(error)?.engine).toBe("store");
    expect(engineOutage(new Error("reading the image failed", { cause: error }))).toMatchObject({
      engine: "store",
      message: expect.stringContaining("image store") as string,
    });
    s3.destroy();
  });

  it("leaves other failures alone: a missing object, a unique violation, a bug", () => {
    expect(engineOutage(new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } }))).toBeNull();
    expect(engineOutage(Object.assign(new Error("Unique constraint failed"), { code: "P2002", clientVersion: "6.19.3" }))).toBeNull();
    expect(engineOutage(new TypeError("x is undefined"))).toBeNull();
    expect(engineOutage("a string")).toBeNull();
  });
});

describe("watchOutages", () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    const pgError = await rejection(() => new pg.Client({ connectionString: `postgresql://hangar@127.0.0.1:${downPort}/hangar` }).connect());
    // Answers as a handler that caught an error would: the error is classified wherever it is caught, the status written later.
    server = http.createServer((req, res) =>
      watchOutages(res, () => {
        const [, kind, status] = (req.url ?? "").split("/");
        setImmediate(() => {
          if (kind === "outage") engineOutage(pgError);
          if (kind === "bug") engineOutage(new TypeError("x is undefined"));
          res.statusCode = Number(status);
          res.end("answer");
        });
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("makes the 500 of a request that found an engine away a 503 with Retry-After", async () => {
    const answer = await fetch(`${url}/outage/500`);
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
  });

  it("leaves a bug's 500, and the success of a request that recovered, as they are", async () => {
    const bug = await fetch(`${url}/bug/500`);
    expect([bug.status, bug.headers.get("retry-after")]).toEqual([500, null]);
    const recovered = await fetch(`${url}/outage/200`);
    expect([recovered.status, recovered.headers.get("retry-after")]).toEqual([200, null]);
  });
});
