/** What a pool's worker thread and the pool say to each other (lib/workers/pool.ts, lib/workers/serve.ts). */
export type ToWorker<Input> = { type: "job"; input: Input };

export type FromWorker<Output> = { type: "progress"; value: number } | { type: "done"; value: Output } | { type: "failed"; message: string };
