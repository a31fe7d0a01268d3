import { describe, expect, it } from "vitest";
import { humanDuration, TransferMeter } from "./transfer-meter";

describe("TransferMeter", () => {
  it("knows nothing before two samples", () => {
    const meter = new TransferMeter();
    meter.sample(0, 0);
    expect([meter.bytesPerSecond, meter.secondsLeft(100)]).toEqual([null, null]);
  });

  it("measures a steady rate and the time left at it", () => {
    const meter = new TransferMeter();
    for (let second = 0; second <= 10; second += 1) meter.sample(second * 50e6, second * 1000);
    expect(meter.bytesPerSecond).toBeCloseTo(50e6, -3);
    expect(meter.secondsLeft(1000e6)).toBeCloseTo(10, 1);
  });

  it("follows a link that slows down, smoothly", () => {
    const meter = new TransferMeter(3000);
    let bytes = 0;
    for (let second = 0; second <= 20; second += 1) meter.sample((bytes += 100e6), second * 1000);
    const fast = meter.bytesPerSecond ?? 0;
    meter.sample((bytes += 10e6), 21_000);
    const justAfter = meter.bytesPerSecond ?? 0;
    for (let second = 22; second <= 40; second += 1) meter.sample((bytes += 10e6), second * 1000);
    expect(fast).toBeCloseTo(100e6, -4);
    expect(justAfter).toBeLessThan(fast);
    expect(justAfter).toBeGreaterThan(50e6);
    expect(meter.bytesPerSecond).toBeLessThan(12e6);
  });

  it("ignores samples too close together, and starts over after a reset", () => {
    const meter = new TransferMeter();
    meter.sample(0, 0);
    meter.sample(1e9, 10);
    expect(meter.bytesPerSecond).toBeNull();
    meter.sample(2e6, 1000);
    meter.reset();
    expect(meter.bytesPerSecond).toBeNull();
  });
});

describe("humanDuration", () => {
  it.each([
    [0.4, "0 s"],
    [38, "38 s"],
    [250, "4 min"],
    [3599, "1 h"],
    [7500, "2 h 5 min"],
    [7200, "2 h"],
    [86400 * 3, "3 days"],
  ])("%d s -> %s", (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });
});
