import fs from "node:fs";
import { leadershipFor } from "../cluster/leadership";
import { every } from "../periodic";

// A node's periodic job, as Hangar's server runs them (lib/uploads/jobs.ts): every 100 ms, on the node that holds
// the job's lock, a round appends this process's id to HANGAR_LEADER_LOG. Prints "ready" after its first round; on
// SIGTERM stops as a shutdown does (the job, then the lock). For lib/cluster/leadership.test.ts.
const log = process.env.HANGAR_LEADER_LOG ?? "";
const leadership = leadershipFor(process.env.DATABASE_URL ?? "");
const stop = every(
  100,
  "probe",
  () => {
    fs.appendFileSync(log, `${process.pid}\n`);
    return Promise.resolve(null);
  },
  leadership,
);
// Once the first round has asked for the lock (and run, or not).
await leadership.holds("probe");
console.log("ready");
process.on("SIGTERM", () => {
  void stop()
    .then(() => leadership.close())
    .then(() => process.exit(0));
});
// Keeps the process up between rounds (the job's timer does not).
setInterval(() => undefined, 60_000);
