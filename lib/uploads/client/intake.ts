import type { Visibility } from "../../catalog/image";
import { imageNameFromFileName } from "../file-name";
import type { UploadLimits } from "../limits";
import type { UnfinishedUpload } from "../list";
import { planUpload, startOf, type UploadPlan, type UploadStart } from "./plan";
import type { StartResult } from "./upload-manager";

/** One file in the upload dialog. */
export interface Draft {
  key: string;
  file: File;
  /** What planUpload decided; null while the file is being checked. */
  plan: UploadPlan | null;
  /** The name the user typed, or the one proposed. */
  name: string;
  properties: Record<string, string>;
  /** The server's refusal at creation (a name taken, say): fixable here. */
  error: string | null;
  nameError: string | null;
  started: boolean;
}

/** A team or personal project the dialog uploads into, as the catalog's project switcher chose it. */
export interface IntakeProject {
  id: string;
  name: string;
}

/** The upload dialog: the files offered, for which list (and project), with that list's limits, and whether they are being started. */
export interface Intake {
  visibility: Visibility;
  /** The project of a private upload; null: the uploader's default (their personal project). */
  project: IntakeProject | null;
  limits: UploadLimits;
  drafts: readonly Draft[];
  starting: boolean;
}

export interface IntakeDeps {
  /** UploadManager.start. */
  start(start: UploadStart): Promise<StartResult>;
  /** The user's unfinished uploads on the server. */
  unfinished(): Promise<UnfinishedUpload[]>;
  /** Upload URLs tus-js-client remembers for the file. */
  remembered(file: File): Promise<string[]>;
  key?: () => string;
}

/** Refused before a byte is sent: over a limit, or not a disk image Hangar accepts. */
export const refused = (draft: Draft): boolean => draft.plan !== null && (draft.plan.blocked !== null || draft.plan.precheck.state === "rejected");

/** Checked, acceptable, and not started yet. */
export const startable = (draft: Draft): boolean => !draft.started && draft.plan !== null && !refused(draft);

/**
 * What the upload dialog shows and does, without React: the files a user picked or dropped, each
 * planned (checked, sampled, matched with an unfinished upload) as soon as it is offered, named and
 * given properties by the user, then started through the UploadManager. The dialog closes itself
 * once every file has started or been refused.
 */
export class UploadIntake {
  private state: Intake | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly key: () => string;

  constructor(private readonly deps: IntakeDeps) {
    this.key = deps.key ?? (() => crypto.randomUUID());
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Intake | null => this.state;

  /**
   * Opens the dialog with `files` for `visibility`'s list (replacing what it showed), into `project`
   * for a private upload, and starts checking them against `limits`, the size limit and that
   * project's quota as the server last rendered them.
   */
  offer(files: readonly File[], visibility: Visibility, limits: UploadLimits, project: IntakeProject | null = null): void {
    if (files.length === 0) return;
    const drafts = files.map((file) => ({
      key: this.key(),
      file,
      plan: null,
      name: imageNameFromFileName(file.name),
      properties: {},
      error: null,
      nameError: null,
      started: false,
    }));
    this.set({ visibility, project: visibility === "private" ? project : null, limits, drafts, starting: false });
    void this.plan(drafts, visibility, limits);
  }

  edit(key: string, change: { name?: string; properties?: Record<string, string> }): void {
    this.change(key, { ...change, error: null, ...(change.name === undefined ? {} : { nameError: null }) });
  }

  remove(key: string): void {
    if (this.state) this.set({ ...this.state, drafts: this.state.drafts.filter((draft) => draft.key !== key) });
  }

  close(): void {
    this.set(null);
  }

  /** Starts every startable file in turn; a refusal stays on its file, to be fixed and started again. */
  async start(): Promise<void> {
    const state = this.state;
    if (!state || state.starting) return;
    this.set({ ...state, starting: true });
    for (const draft of state.drafts.filter(startable)) {
      if (!draft.plan) continue;
      const start = startOf(draft.file, draft.plan, {
        name: draft.name,
        visibility: state.visibility,
        projectId: state.project?.id ?? null,
        properties: draft.properties,
      });
      if (!start.ok) {
        this.change(draft.key, start.error.fields?.name ? { nameError: start.error.fields.name } : { error: start.error.message });
        continue;
      }
      const result = await this.deps.start(start.value);
      this.change(draft.key, result.ok ? { started: true, error: null, nameError: null } : { error: result.message });
    }
    const after = this.state;
    if (!after) return;
    this.set({ ...after, starting: false });
    const done = after.drafts.every((draft) => draft.started || refused(draft));
    if (done && after.drafts.some((draft) => draft.started)) this.close();
  }

  private async plan(drafts: readonly Draft[], visibility: Visibility, limits: UploadLimits): Promise<void> {
    const unfinished = await this.deps.unfinished().catch(() => []);
    for (const draft of drafts) {
      const remembered = await this.deps.remembered(draft.file).catch(() => []);
      const plan = await planUpload(draft.file, { visibility, limits, unfinished, remembered });
      // Continuing an unfinished upload keeps its name; otherwise the name typed while the file was checked stays.
      this.change(draft.key, plan.resume ? { plan, name: plan.name } : { plan });
    }
  }

  private change(key: string, change: Partial<Draft>): void {
    if (!this.state) return;
    this.set({ ...this.state, drafts: this.state.drafts.map((draft) => (draft.key === key ? { ...draft, ...change } : draft)) });
  }

  private set(state: Intake | null): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}
