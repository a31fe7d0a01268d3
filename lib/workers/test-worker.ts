// A worker for lib/workers/pool.test.ts: jobs that behave as a hostile input makes real work behave.
import { serveJobs } from "./serve";

export type TestJob = { kind: "echo"; text: string } | { kind: "spin" } | { kind: "hoard" } | { kind: "throw"; message: string };

serveJobs((job: TestJob, onProgress): Promise<string> => {
  switch (job.kind) {
    case "echo":
      onProgress(50);
      return Promise.resolve(job.text);
    case "spin":
      // A loop that never yields, as an inspector stuck on a crafted structure would.
      for (;;);
    case "hoard": {
      // Memory that is never let go, as a parser told to expect a huge table would hold.
      const kept: number[][] = [];
      for (;;) kept.push(Array.from({ length: 1 << 16 }, (_, i) => i));
    }
    case "throw":
      return Promise.reject(new Error(job.message));
  }
});
