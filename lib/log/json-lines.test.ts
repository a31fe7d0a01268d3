import { describe, expect, it } from "vitest";
import { jsonLine, logFormat } from "./json-lines";
import { requestIdFor, withRequestId } from "./request-id";

const NOW = new Date("2026-12-07T04:00:00.000Z");

describe("jsonLine", () => {
  it("is one JSON object with time, level and message, and the request id inside a request only", () => {
    expect(JSON.parse(jsonLine("info", "started", {}, NOW))).toEqual({ time: "2026-12-07T04:00:00.000Z", level: "info", msg: "started" });
    const inside = withRequestId("lb-42", () => jsonLine("warn", "refused", { status: 405 }, NOW));
    expect(JSON.parse(inside)).toEqual({ time: "2026-12-07T04:00:00.000Z", level: "warn", msg: "refused", requestId: "lb-42", status: 405 });
  });

  it("keeps a message that spans lines (a stack) on one line", () => {
    const line = jsonLine("error", 'failed: "x"\n    at y (z.ts:1:2)\n', {}, NOW);
    expect(line).not.toContain("\n");
    expect((JSON.parse(line) as { msg: string }).msg).toBe('failed: "x"\n    at y (z.ts:1:2)\n');
  });

  it("keeps the id across awaits, and apart for requests handled at the same time", async () => {
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const lines = await Promise.all(
      ["a", "b"].map((id) =>
        withRequestId(id, async () => {
          await pause();
          return (JSON.parse(jsonLine("info", id)) as { requestId: string }).requestId;
        }),
      ),
    );
    expect(lines).toEqual(["a", "b"]);
  });
});

describe("requestIdFor", () => {
  it("takes the balancer's X-Request-Id when it is a short token, and makes one otherwise", () => {
    expect(requestIdFor({ headers: { "x-request-id": "0a1b:haproxy-17.3" } })).toBe("0a1b:haproxy-17.3");
    for (const sent of [undefined, "", "two words", "line\nbreak", "x".repeat(129)]) {
      expect(requestIdFor({ headers: { "x-request-id": sent } }), String(sent)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
});

describe("logFormat", () => {
  it("is text unless HANGAR_LOG_FORMAT says json, and refuses anything else with a message", () => {
    expect(logFormat({})).toBe("text");
    expect(logFormat({ HANGAR_LOG_FORMAT: "json" })).toBe("json");
    expect(() => logFormat({ HANGAR_LOG_FORMAT: "xml" })).toThrow('HANGAR_LOG_FORMAT is "json" or "text", not "xml".');
  });
});
