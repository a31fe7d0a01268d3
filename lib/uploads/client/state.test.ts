import { describe, expect, it } from "vitest";
import { allows, REMOVED, transition, type UploadEvent, type UploadState } from "./state";

const STATES: Record<string, UploadState> = {
  creating: { name: "creating" },
  uploading: { name: "uploading" },
  paused: { name: "paused" },
  reconnecting: { name: "reconnecting", attempt: 2, at: 1000 },
  offline: { name: "offline" },
  validating: { name: "validating", progress: 40 },
  ready: { name: "ready" },
  rejected: { name: "rejected", failures: 2 },
  "failed (connection)": { name: "failed", reason: "The upload failed.", resumable: true },
  "failed (for good)": { name: "failed", reason: "The image was deleted.", resumable: false },
};

const EVENTS: UploadEvent[] = [
  { type: "created" },
  { type: "sending" },
  { type: "pause" },
  { type: "resume" },
  { type: "connection_lost", attempt: 3, at: 5000 },
  { type: "offline" },
  { type: "online" },
  { type: "uploaded" },
  { type: "validation_progress", progress: 70 },
  { type: "accepted" },
  { type: "rejected", failures: 3 },
  { type: "failed", reason: "Gone.", resumable: false },
  { type: "cancel" },
  { type: "dismiss" },
];

const WHILE_SENDING = {
  sending: "uploading",
  pause: "paused",
  connection_lost: "reconnecting",
  offline: "offline",
  uploaded: "validating",
  failed: "failed",
  cancel: REMOVED,
};

// Written out by hand, independently of the table in state.ts: every pair not listed must be refused.
const EXPECTED: Partial<Record<string, Partial<Record<string, string>>>> = {
  creating: { created: "uploading", failed: "failed", cancel: REMOVED },
  uploading: WHILE_SENDING,
  paused: { resume: "uploading", cancel: REMOVED },
  // A reconnecting upload is still sending: the same events move it.
  reconnecting: WHILE_SENDING,
  offline: { online: "uploading", resume: "uploading", pause: "paused", cancel: REMOVED },
  validating: { validation_progress: "validating", accepted: "ready", rejected: "rejected", failed: "failed", dismiss: REMOVED },
  ready: { dismiss: REMOVED },
  rejected: { dismiss: REMOVED },
  "failed (connection)": { resume: "uploading", cancel: REMOVED },
  "failed (for good)": { dismiss: REMOVED },
};

const nameOf = (next: ReturnType<typeof transition>) => (next === null ? null : next === REMOVED ? REMOVED : next.name);

describe("the upload state machine", () => {
  for (const [label, state] of Object.entries(STATES)) {
    describe(`from ${label}`, () => {
      for (const event of EVENTS) {
        const expected = EXPECTED[label]?.[event.type] ?? null;
        it(`${event.type} ${expected === null ? "is refused" : `leads to ${expected}`}`, () => {
          expect(nameOf(transition(state, event))).toBe(expected);
        });
      }
    });
  }

  it("carries what each state needs from its event", () => {
    expect(transition({ name: "uploading" }, { type: "connection_lost", attempt: 3, at: 5000 })).toEqual({ name: "reconnecting", attempt: 3, at: 5000 });
    expect(transition({ name: "reconnecting", attempt: 3, at: 5000 }, { type: "connection_lost", attempt: 4, at: 9000 })).toEqual({
      name: "reconnecting",
      attempt: 4,
      at: 9000,
    });
    expect(transition({ name: "uploading" }, { type: "uploaded" })).toEqual({ name: "validating", progress: 0 });
    expect(transition({ name: "validating", progress: 10 }, { type: "validation_progress", progress: 55 })).toEqual({ name: "validating", progress: 55 });
    expect(transition({ name: "validating", progress: 90 }, { type: "rejected", failures: 2 })).toEqual({ name: "rejected", failures: 2 });
    expect(transition({ name: "uploading" }, { type: "failed", reason: "You are over your quota.", resumable: false })).toEqual({
      name: "failed",
      reason: "You are over your quota.",
      resumable: false,
    });
  });

  it("offers the user exactly the actions the machine accepts", () => {
    const offered = Object.fromEntries(
      Object.entries(STATES).map(([label, state]) => [label, (["pause", "resume", "cancel", "dismiss"] as const).filter((action) => allows(state, action))]),
    );
    expect(offered).toEqual({
      creating: ["cancel"],
      uploading: ["pause", "cancel"],
      paused: ["resume", "cancel"],
      reconnecting: ["pause", "cancel"],
      offline: ["pause", "resume", "cancel"],
      validating: ["dismiss"],
      ready: ["dismiss"],
      rejected: ["dismiss"],
      "failed (connection)": ["resume", "cancel"],
      "failed (for good)": ["dismiss"],
    });
  });
});
