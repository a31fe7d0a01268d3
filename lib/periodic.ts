/**
 * Runs `round` now and then every `intervalMs`, never two rounds at once (a slow round makes the next tick
 * skip rather than pile up); a failed round is logged and the next one tries again. Returns a function that
 * stops it and resolves once a round under way has ended (a graceful shutdown closes the database after it).
 */
export function every(intervalMs: number, name: string, round: () => Promise<string | null>): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = round()
      .then((summary) => summary && console.log(`${name}: ${summary}`))
      .catch((error: unknown) => console.error(`${name} failed`, error))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
