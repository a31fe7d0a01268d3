/** Exit codes scripts can rely on; `hangar --help` and README.md list them. */
export const EXIT = {
  ok: 0,
  /** The command ran but the answer is "no": an image was rejected, a check failed. */
  failed: 1,
  /** Bad arguments, or a local file could not be read or written. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
