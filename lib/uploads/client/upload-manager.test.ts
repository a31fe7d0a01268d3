import { describe, expect, it } from "vitest";
import type { ImageProgress } from "../../catalog/progress";
import { LiveStatus } from "./live-status";
import type { UploadStart } from "./plan";
import type { TransferHandlers, Transport } from "./tus-transport";
import { type ManagerNotice, UploadManager } from "./upload-manager";

// The transfer below is a script: the test plays tus-js-client's part (created, progress, retrying,
// failed, succeeded) and checks what the manager makes of each, and what it asks of the transfer.

interface Scripted {
  handlers: TransferHandlers;
  calls: string[];
}

function setup() {
  const transfers: Scripted[] = [];
  const transport: Transport = (_start, handlers) => {
    const scripted: Scripted = { handlers, calls: [] };
    transfers.push(scripted);
    return {
      start: () => void scripted.calls.push("start"),
      stop: () => Promise.resolve(void scripted.calls.push("stop")),
      discard: () => Promise.resolve(void scripted.calls.push("discard")),
    };
  };
  let answers: ImageProgress[] = [];
  const asked: string[][] = [];
  const live = new LiveStatus({
    fetchProgress: (ids) => {
      asked.push(ids);
      return Promise.resolve(answers.filter((answer) => ids.includes(answer.id)));
    },
  });
  let clock = 1_000_000;
  let keys = 0;
  const manager = new UploadManager({ transport, live, now: () => clock, key: () => `task-${(keys += 1)}` });
  const notices: ManagerNotice[] = [];
  manager.onNotice((notice) => notices.push(notice));
  let renders = 0;
  manager.subscribe(() => {
    renders += 1;
  });
  return {
    manager,
    live,
    transfers,
    notices,
    asked,
    renders: () => renders,
    answer(progress: ImageProgress[]) {
      answers = progress;
    },
    tick(ms: number) {
      clock += ms;
    },
    task: (key = "task-1") => manager.getSnapshot().find((task) => task.key === key),
    state: (key = "task-1") => manager.getSnapshot().find((task) => task.key === key)?.state,
  };
}

const file = (size = 1000, name = "debian-12.qcow2") => new File([new Uint8Array(size)], name);
const start = (overrides: Partial<UploadStart> = {}): UploadStart => ({
  file: file(),
  name: "debian-12",
  visibility: "private",
  metadata: { name: "debian-12" },
  resumeUrl: null,
  ...overrides,
});

/** An upload the server created, with its image id. */
async function created(env: ReturnType<typeof setup>) {
  const result = env.manager.start(start());
  const transfer = env.transfers.at(-1) as Scripted;
  transfer.handlers.imageId("image-1");
  transfer.handlers.created("/api/v1/uploads/abc");
  expect(await result).toEqual({ ok: true });
  return transfer;
}

const progress = (id: string, status: ImageProgress["status"], validationProgress = 0, failures = 0): ImageProgress => ({
  id,
  status,
  uploadProgress: null,
  validationProgress,
  failures,
});

describe("UploadManager", () => {
  it("starts in creating, and moves to uploading once the server created the upload", async () => {
    const env = setup();
    const result = env.manager.start(start());
    expect(env.state()).toEqual({ name: "creating" });
    expect(env.transfers[0]?.calls).toEqual(["start"]);
    env.transfers[0]?.handlers.imageId("image-1");
    env.transfers[0]?.handlers.created("/api/v1/uploads/abc");
    expect(await result).toEqual({ ok: true });
    expect(env.task()).toMatchObject({ state: { name: "uploading" }, imageId: "image-1", url: "/api/v1/uploads/abc", name: "debian-12", size: 1000 });
    expect(env.notices).toEqual(["created"]);
  });

  it("refused at creation: the upload leaves the list and the dialog gets the server's message", async () => {
    const env = setup();
    const result = env.manager.start(start());
    env.transfers[0]?.handlers.failed({ status: 409, message: "You already have an image named debian-12.", offline: false });
    expect(await result).toEqual({ ok: false, message: "You already have an image named debian-12." });
    expect(env.manager.getSnapshot()).toEqual([]);
    expect(env.notices).toEqual([]);
  });

  it("shows bytes sent, speed and time left, redrawing at most twice a second", async () => {
    const env = setup();
    const transfer = await created(env);
    const before = env.renders();
    for (let sent = 50; sent <= 500; sent += 50) {
      env.tick(100);
      transfer.handlers.progress(sent);
    }
    // Ten events in a second: two redraws.
    expect(env.renders() - before).toBe(2);
    env.tick(600);
    transfer.handlers.progress(800);
    const task = env.task();
    expect(task?.sent).toBe(800);
    expect(task?.speed).toBeGreaterThan(0);
    expect(task?.secondsLeft).toBeGreaterThan(0);
  });

  it("pauses (stopping the transfer, ignoring its late progress) and resumes (starting it again)", async () => {
    const env = setup();
    const transfer = await created(env);
    env.tick(300);
    transfer.handlers.progress(400);
    env.manager.pause("task-1");
    expect(env.state()).toEqual({ name: "paused" });
    expect(transfer.calls).toEqual(["start", "stop"]);
    // A progress event the aborted request still delivers changes nothing.
    env.tick(300);
    transfer.handlers.progress(450);
    expect(env.task()).toMatchObject({ state: { name: "paused" }, sent: 400, speed: null });
    env.manager.resume("task-1");
    expect(env.state()).toEqual({ name: "uploading" });
    expect(transfer.calls).toEqual(["start", "stop", "start"]);
    // Pausing twice, or resuming an upload that runs, asks nothing of the transfer.
    env.manager.resume("task-1");
    expect(transfer.calls).toEqual(["start", "stop", "start"]);
  });

  it("reconnects after a lost connection, saying which attempt and when, and goes on when bytes move again", async () => {
    const env = setup();
    const transfer = await created(env);
    transfer.handlers.retrying(3, 5000);
    expect(env.task()).toMatchObject({ state: { name: "reconnecting", attempt: 3, at: 1_005_000 }, speed: null });
    env.tick(6000);
    transfer.handlers.progress(600);
    expect(env.task()).toMatchObject({ state: { name: "uploading" }, sent: 600 });
  });

  it("waits offline and continues by itself when the network is back", async () => {
    const env = setup();
    const transfer = await created(env);
    transfer.handlers.failed({ status: 0, message: null, offline: true });
    expect(env.state()).toEqual({ name: "offline" });
    env.manager.online();
    expect(env.state()).toEqual({ name: "uploading" });
    expect(transfer.calls).toEqual(["start", "start"]);
  });

  it("fails with the server's message: resumable after a lost connection, not after a refusal", async () => {
    const env = setup();
    const lost = await created(env);
    lost.handlers.failed({ status: 0, message: null, offline: false });
    expect(env.state()).toEqual({ name: "failed", reason: "The upload failed. Resume it to try again.", resumable: true });
    env.manager.resume("task-1");
    expect(env.state()).toEqual({ name: "uploading" });

    const refused = await created(env);
    refused.handlers.failed({ status: 404, message: "There is no such upload.", offline: false });
    expect(env.state("task-2")).toEqual({ name: "failed", reason: "There is no such upload.", resumable: false });
    env.manager.resume("task-2");
    expect(env.state("task-2")?.name).toBe("failed");
    expect(refused.calls).toEqual(["start"]);
  });

  it("after the last byte follows validation through the live status, to ready", async () => {
    const env = setup();
    const transfer = await created(env);
    transfer.handlers.succeeded();
    expect(env.task()).toMatchObject({ state: { name: "validating", progress: 0 }, sent: 1000 });
    expect(env.notices).toEqual(["created", "uploaded"]);
    env.answer([progress("image-1", "validating", 40)]);
    await env.live.poll();
    expect(env.asked).toEqual([["image-1"]]);
    expect(env.state()).toEqual({ name: "validating", progress: 40 });
    env.answer([progress("image-1", "ready", 100)]);
    await env.live.poll();
    expect(env.state()).toEqual({ name: "ready" });
    // Settled: nothing more to ask about.
    await env.live.poll();
    expect(env.asked).toHaveLength(2);
    env.manager.dismiss("task-1");
    expect(env.manager.getSnapshot()).toEqual([]);
    env.live.dispose();
  });

  it("ends rejected with the number of failed checks, or failed when the image was deleted meanwhile", async () => {
    const env = setup();
    (await created(env)).handlers.succeeded();
    const second = env.manager.start(start({ name: "other" }));
    env.transfers[1]?.handlers.imageId("image-2");
    env.transfers[1]?.handlers.created("/api/v1/uploads/def");
    await second;
    env.transfers[1]?.handlers.succeeded();
    env.answer([progress("image-1", "rejected", 100, 2)]);
    await env.live.poll();
    expect(env.state("task-1")).toEqual({ name: "rejected", failures: 2 });
    expect(env.state("task-2")).toEqual({ name: "failed", reason: "The image was deleted before its validation finished.", resumable: false });
    env.live.dispose();
  });

  it("cancels: the server discards the upload, the list drops it and the page is told; a finished upload cannot be cancelled", async () => {
    const env = setup();
    const transfer = await created(env);
    await env.manager.cancel("task-1");
    expect(transfer.calls).toEqual(["start", "discard"]);
    expect(env.manager.getSnapshot()).toEqual([]);
    expect(env.notices).toEqual(["created", "removed"]);

    const done = await created(env);
    done.handlers.succeeded();
    await env.manager.cancel("task-2");
    expect(done.calls).toEqual(["start"]);
    expect(env.state("task-2")?.name).toBe("validating");
    env.live.dispose();
  });

  it("cancelled while the server was creating it: the dialog's wait ends", async () => {
    const env = setup();
    const result = env.manager.start(start());
    await env.manager.cancel("task-1");
    expect(await result).toEqual({ ok: false, message: "Cancelled." });
    // The creation's answer, if it still comes, changes nothing.
    env.transfers[0]?.handlers.created("/api/v1/uploads/late");
    expect(env.manager.getSnapshot()).toEqual([]);
  });

  it("runs several uploads at once, each with its own state", async () => {
    const env = setup();
    const first = await created(env);
    const second = await created(env);
    env.manager.pause("task-1");
    second.handlers.succeeded();
    expect([env.state("task-1")?.name, env.state("task-2")?.name]).toEqual(["paused", "validating"]);
    first.handlers.progress(10);
    expect(env.state("task-1")?.name).toBe("paused");
    env.live.dispose();
  });

  it("remembers where a continued upload started", async () => {
    const env = setup();
    const result = env.manager.start(start({ resumeUrl: "/api/v1/uploads/abc" }));
    env.transfers[0]?.handlers.resumedAt(600);
    env.transfers[0]?.handlers.created("/api/v1/uploads/abc");
    await result;
    expect(env.task()).toMatchObject({ resumedFrom: 600, sent: 600, state: { name: "uploading" } });
  });
});
