import { expect, it } from "vitest";
import { describeUserAgent } from "./user-agent";

it("names the browser, its major version and the system people know them by", () => {
  expect(describeUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")).toBe("Firefox 128 on Linux");
  expect(
    describeUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"),
  ).toBe("Edge 126 on Windows");
  expect(describeUserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15")).toBe(
    "Safari 17 on macOS",
  );
  expect(
    describeUserAgent(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
    ),
  ).toBe("Chrome 126 on iOS");
  expect(describeUserAgent("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36")).toBe(
    "Chrome 126 on Android",
  );
});

it("shows what it does not know as sent, shortened, and says when there was nothing", () => {
  expect(describeUserAgent(null)).toBe("Unknown browser");
  expect(describeUserAgent("SomeBot/1.0")).toBe("SomeBot/1.0");
  expect(describeUserAgent("x".repeat(100))).toBe(`${"x".repeat(60)}…`);
});
