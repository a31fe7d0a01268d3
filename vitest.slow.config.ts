import { defineConfig } from "vitest/config";
import { project } from "./vitest.config";

/**
 * The slower test tier: oracles that boot a libguestfs appliance (virt-inspector, tens of seconds
 * a run without KVM), and uploads of half a gigabyte through the cluster's balancer (scripts/cluster). CI runs it after the main suite (scripts/test-all.sh); `npm run test:slow`.
 */
export default defineConfig(project({ name: "slow", include: ["lib/**/*.slow.test.ts", "scripts/**/*.slow.test.ts"], testTimeout: 300_000 }));
