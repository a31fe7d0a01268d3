/**
 * Where one upload of the browser stands, and the only ways it can move on: creating →
 * uploading ⇄ paused / reconnecting / offline → validating → ready / rejected, or failed with a
 * reason. Events that do not fit the state (a late progress event after a pause, a pause of a
 * finished upload) are refused, so a race between tus-js-client's callbacks and the user's clicks
 * can only be ignored, never turn a state into a wrong one.
 */
export type UploadState =
  | { name: "creating" }
  | { name: "uploading" }
  | { name: "paused" }
  /** Sending failed; tus-js-client tries again: this is attempt `attempt`, made at `at` (ms since the epoch). */
  | { name: "reconnecting"; attempt: number; at: number }
  /** The browser has no network; sending continues when it comes back. */
  | { name: "offline" }
  /** The last byte arrived; the server is checking the image. */
  | { name: "validating"; progress: number }
  | { name: "ready" }
  | { name: "rejected"; failures: number }
  /** `resumable`: whether sending again can help (a lost connection), or not (the image is gone). */
  | { name: "failed"; reason: string; resumable: boolean };

export type UploadStateName = UploadState["name"];

export type UploadEvent =
  /** The server created the upload (its URL is known). */
  | { type: "created" }
  /** Bytes are moving again, or still. */
  | { type: "sending" }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "connection_lost"; attempt: number; at: number }
  | { type: "offline" }
  | { type: "online" }
  /** The server acknowledged the last byte. */
  | { type: "uploaded" }
  | { type: "validation_progress"; progress: number }
  | { type: "accepted" }
  | { type: "rejected"; failures: number }
  | { type: "failed"; reason: string; resumable: boolean }
  /** The user stops the upload and discards what the server has. */
  | { type: "cancel" }
  /** The user clears a finished upload from the list. */
  | { type: "dismiss" };

export type UploadEventType = UploadEvent["type"];

/** The upload leaves the list (cancelled or dismissed). */
export const REMOVED = "removed" as const;

type Next = UploadState | typeof REMOVED;
type Row = { [T in UploadEventType]?: (event: Extract<UploadEvent, { type: T }>, state: UploadState) => Next | null };

const uploading = (): UploadState => ({ name: "uploading" });
const paused = (): UploadState => ({ name: "paused" });
const offline = (): UploadState => ({ name: "offline" });
const reconnecting = (event: { attempt: number; at: number }): UploadState => ({ name: "reconnecting", attempt: event.attempt, at: event.at });
const failed = (event: { reason: string; resumable: boolean }): UploadState => ({ name: "failed", reason: event.reason, resumable: event.resumable });
const validating = (): UploadState => ({ name: "validating", progress: 0 });
const removed = (): typeof REMOVED => REMOVED;
const resumable = (state: UploadState) => state.name === "failed" && state.resumable;

/** Every transition there is: a state's row lists the events it accepts and what each leads to. */
const TRANSITIONS: Record<UploadStateName, Row> = {
  creating: { created: uploading, failed, cancel: removed },
  uploading: { sending: uploading, pause: paused, connection_lost: reconnecting, offline, uploaded: validating, failed, cancel: removed },
  paused: { resume: uploading, cancel: removed },
  reconnecting: { sending: uploading, pause: paused, connection_lost: reconnecting, offline, uploaded: validating, failed, cancel: removed },
  offline: { online: uploading, resume: uploading, pause: paused, cancel: removed },
  validating: {
    validation_progress: (event) => ({ name: "validating", progress: event.progress }),
    accepted: () => ({ name: "ready" }),
    rejected: (event) => ({ name: "rejected", failures: event.failures }),
    failed,
    dismiss: removed,
  },
  ready: { dismiss: removed },
  rejected: { dismiss: removed },
  // Sending again helps after a lost connection: then the upload can be resumed or cancelled (its
  // partial file discarded). Once the server has refused for good there is nothing left to send or
  // discard, only the line to dismiss.
  failed: {
    resume: (_event, state) => (resumable(state) ? uploading() : null),
    cancel: (_event, state) => (resumable(state) ? REMOVED : null),
    dismiss: (_event, state) => (resumable(state) ? null : REMOVED),
  },
};

/** The state `event` leads to from `state`; REMOVED when the upload leaves the list; null when the event is refused there. */
export function transition(state: UploadState, event: UploadEvent): Next | null {
  const step = TRANSITIONS[state.name][event.type] as ((event: UploadEvent, state: UploadState) => Next | null) | undefined;
  return step ? step(event, state) : null;
}

/** Whether the user's `action` is possible in `state`: what the tray offers is what the machine accepts. */
export function allows(state: UploadState, action: "pause" | "resume" | "cancel" | "dismiss"): boolean {
  return transition(state, { type: action }) !== null;
}

/** States in which the upload still needs this page: leaving it stops sending. */
export const SENDING: readonly UploadStateName[] = ["creating", "uploading", "reconnecting", "offline"];

/** States after the last byte. */
export const SENT: readonly UploadStateName[] = ["validating", "ready", "rejected"];
