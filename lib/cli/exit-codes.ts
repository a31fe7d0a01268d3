/** Exit codes scripts can rely on; `hangar --help` and README.md list them. */
export const EXIT = {
  ok: 0,
  /** The command ran but the answer is "no": an image was rejected, a check failed, a checksum did not match. */
  failed: 1,
  /** Bad arguments, or a local file could not be read or written. */
  usage: 2,
  /** Not logged in, or the server refused the token (401: unknown, revoked or expired). */
  auth: 3,
  /** No such image, or another user's private image (404). */
  notFound: 4,
  /** The server refused the request: invalid values (400), a conflict such as a name already taken (409), too large or over quota (413). */
  rejected: 5,
  /** Signed in but not allowed (403): platform images are managed by administrators. */
  forbidden: 6,
  /** The server could not be reached or failed (network error, 5xx). Safe to retry. */
  unavailable: 7,
  /** A bug in hangar itself (EX_SOFTWARE): the message says what; HANGAR_DEBUG=1 prints the stack. */
  internal: 70,
  /** Interrupted (Ctrl-C): run the same command again to resume. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit codes as `hangar --help` prints them. */
export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    failed: the image was rejected, the local check refused it, or a checksum did not match
  2    usage: bad arguments, or a local file could not be read or written
  3    authentication: not logged in, or the token is unknown, revoked or expired
  4    not found: no such image (or another user's private image)
  5    rejected by the server: invalid values, a name already taken, too large or over quota
  6    forbidden: platform images are managed by administrators
  7    unavailable: the server could not be reached or failed; safe to retry
  70   internal error: a bug in hangar (HANGAR_DEBUG=1 prints the stack); please report it
  130  interrupted (Ctrl-C): run the same command again to resume`;
