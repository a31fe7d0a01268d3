import { CliError } from "./errors";
import { EXIT } from "./exit-codes";

const controller = new AbortController();
let installed = false;

/**
 * Aborted on the first Ctrl-C (SIGINT) or SIGTERM, so transfers stop cleanly
 * and keep what they have for the next run; a second Ctrl-C exits at once.
 */
export function interruptSignal(): AbortSignal {
  if (!installed) {
    installed = true;
    const stop = () => {
      if (controller.signal.aborted) process.exit(EXIT.interrupted);
      controller.abort();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  }
  return controller.signal;
}

export const interrupted = (message: string) => new CliError(EXIT.interrupted, message);
