import { defineConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * The slower test tier: oracles that boot a libguestfs appliance (virt-inspector, tens of seconds
 * a run without KVM). CI runs it after the main suite (scripts/test-all.sh); `npm run test:slow`.
 */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ["lib/**/*.slow.test.ts"], exclude: [], testTimeout: 300_000 },
});
