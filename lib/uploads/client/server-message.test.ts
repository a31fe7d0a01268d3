import { describe, expect, it } from "vitest";
import { serverMessage } from "./server-message";

// tus-js-client hands the failed response to the browser and the CLI as `originalResponse`.
const failure = (body: string, status = 413) => ({ originalResponse: { getBody: () => body, getStatus: () => status } });

describe("serverMessage", () => {
  it("reads the message of the API's error shape", () => {
    expect(serverMessage(failure(JSON.stringify({ error: { code: "quota_exceeded", message: "Over your quota." } })))).toBe("Over your quota.");
  });

  it("keeps a short text (a proxy in front of Hangar) and drops an HTML error page", () => {
    expect(serverMessage(failure("Request Entity Too Large\n"))).toBe("Request Entity Too Large");
    expect(serverMessage(failure("<html><body><h1>502 Bad Gateway</h1></body></html>", 502))).toBeNull();
  });

  it("has nothing to say without a response", () => {
    expect(serverMessage(new Error("network"))).toBeNull();
    expect(serverMessage({ originalResponse: null })).toBeNull();
    expect(serverMessage(failure(""))).toBeNull();
  });
});
