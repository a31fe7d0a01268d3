// A worker thread does not inherit the process's tsx loader: register it, then load the TypeScript module the host named.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
