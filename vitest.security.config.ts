import path from "node:path";
import { defineConfig } from "vitest/config";

// The security suite (npm run test:security): attacks against the production build (npm run build first).
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["security/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    // One attack at a time: the stall flood holds 20,000 connections and would starve the others' servers.
    fileParallelism: false,
    hookTimeout: 180_000,
  },
});
