// Preloaded into the cluster's Hangar nodes by `npm run bench:balancer-s3 -- --profile DIR` (through NODE_OPTIONS,
// which refuses --cpu-prof): a V8 CPU profile of each node between two SIGUSR2, so that it holds the measured
// upload and not the node's start or the benchmark's cleanup. Written as DIR/node-<pid>-<n>.cpuprofile.
import fs from "node:fs";
import inspector from "node:inspector";

if (process.argv.some((arg) => arg.endsWith("scripts/start.ts")) && process.env.HANGAR_PROFILE_DIR) {
  const dir = process.env.HANGAR_PROFILE_DIR;
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  let running = false;
  let count = 0;
  process.on("SIGUSR2", () => {
    if (!running) {
      session.post("Profiler.start");
      running = true;
      return;
    }
    running = false;
    const name = `${dir}/node-${process.pid}-${++count}.cpuprofile`;
    session.post("Profiler.stop", (error, result) => {
      if (!error) fs.writeFileSync(name, JSON.stringify(result.profile));
    });
  });
}
