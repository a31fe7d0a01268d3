import { describe, expect, it } from "vitest";
import { buttonClass } from "./button";
import { cn } from "./cn";

describe("cn", () => {
  it("lets a later class override an earlier one of the same property", () => {
    expect(cn("px-3.5 py-2 text-sm", "px-2 py-1")).toBe("text-sm px-2 py-1");
    expect(cn("bg-white ring-slate-300", false, "bg-brand-600")).toBe("ring-slate-300 bg-brand-600");
  });

  it("gives the ghost Revoke button its red, not the variant's grey (Settings, API tokens)", () => {
    const classes = buttonClass("ghost", "px-2 py-1 text-red-700 hover:bg-red-50 hover:text-red-800").split(" ");
    expect(classes).toContain("text-red-700");
    expect(classes).not.toContain("text-slate-600");
    expect(classes).not.toContain("px-3.5");
    expect(classes).not.toContain("hover:text-slate-900");
  });
});
