import os from 'node:os';
import { ErrorCode } from '../../errors';
import { logger } from '../../logger';
import { withEpoch } from '../epochReport';
import type { TrainOptions } from '../trainClassifier';
import type { TrainingJobEvent } from '../TrainingJobEvents';
import type { TrainingJob } from '../trainingJob';
import type { JobRecord, JobStore } from './JobStore';

export interface JobRecordsOptions {
  /** How often a runner writes its heartbeat (and pending progress) into its jobs' records. */
  heartbeatMs: number;
  /** A QUEUED or RUNNING job without a heartbeat for this long is FAILED (TRAINING_INTERRUPTED). */
  leaseMs: number;
  /** Finished records kept; the oldest are removed beyond it. */
  keepFinished: number;
}

/** Events kept in a record: enough for a late watcher to follow, few enough to rewrite each heartbeat (the job's epoch history is kept whole, in `job.history`). */
const KEPT_EVENTS = 64;
const FLUSH_DELAY_MS = 100;

const isActive = (job: TrainingJob) => job.status === 'QUEUED' || job.status === 'RUNNING';
const log = logger.child({ component: 'training' });

/** Who runs jobs here, as written into the records. */
export const RUNNER = `${os.hostname()}:${process.pid}`;

/**
 * The shared side of training jobs: every event of a job this process runs goes into its record (status
 * changes at once, progress batched), a heartbeat keeps the record fresh, and any replica reads the
 * records to answer for jobs it does not run. A record whose heartbeat is older than the lease belongs
 * to a runner that stopped: the first reader marks it FAILED, TRAINING_INTERRUPTED.
 */
export class JobRecords {
  private readonly local = new Map<string, { record: JobRecord; dirty: boolean; writing: Promise<void>; flushTimer?: NodeJS.Timeout }>();
  private readonly heartbeat: NodeJS.Timeout;
  private onCancelRequested?: (id: string, reason: string) => void;

  constructor(
    readonly store: JobStore,
    private readonly options: JobRecordsOptions,
  ) {
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs).unref();
  }

  /**
   * Writes a new job's first record. `run`: this process runs it, so it claims it (atomic create) and
   * heartbeats; else the record waits, QUEUED, for a worker to claim it (`adopt`).
   */
  async created(job: TrainingJob, options: TrainOptions, run: boolean): Promise<void> {
    if (!run) {
      const queued = { jobId: job.id, sequence: 1, kind: 'STATUS' as const, at: new Date(), job: { ...job } };
      return this.store.write({ job: { ...job }, events: [queued], options });
    }
    if (!(await this.store.claim(job.id, RUNNER))) throw new Error(`training job ${job.id} was claimed by another runner`);
    await this.track({ job: { ...job }, events: [], heartbeatAt: new Date().toISOString(), runner: RUNNER, options });
  }

  /** Claims a job another replica queued; true when this process won it and now answers for it. */
  async adopt(record: JobRecord): Promise<boolean> {
    if (!(await this.store.claim(record.job.id, RUNNER))) return false;
    await this.track({ ...record, heartbeatAt: new Date().toISOString(), runner: RUNNER });
    return true;
  }

  private async track(record: JobRecord): Promise<void> {
    const entry = { record, dirty: false, writing: this.store.write(record) };
    this.local.set(record.job.id, entry);
    await entry.writing;
  }

  /** One event of a job this process runs: kept in its record, written at once for a status change. */
  published(event: TrainingJobEvent): void {
    const entry = this.local.get(event.jobId);
    if (!entry) return;
    // An adopted job's record already holds the accepting replica's events: numbering goes on from them.
    const events = [...entry.record.events, { ...event, sequence: (entry.record.events.at(-1)?.sequence ?? 0) + 1 }];
    while (events.length > KEPT_EVENTS) {
      const progress = events.findIndex((kept) => kept.kind === 'PROGRESS');
      events.splice(progress >= 0 ? progress : 0, 1);
    }
    // Events carry the job without its history: the record keeps the whole of it, for any replica to draw.
    const history = event.kind === 'EPOCH' && event.epoch ? withEpoch(entry.record.job.history, event.epoch) : entry.record.job.history;
    entry.record = { ...entry.record, job: { ...event.job, ...(history ? { history } : {}) }, events };
    entry.dirty = true;
    if (event.kind === 'STATUS') this.flush(event.jobId);
    else entry.flushTimer ??= setTimeout(() => this.flush(event.jobId), FLUSH_DELAY_MS);
  }

  /** The record of any job, with an expired lease turned into FAILED (TRAINING_INTERRUPTED). */
  async read(id: string): Promise<JobRecord | undefined> {
    const local = this.local.get(id);
    if (local) return local.record;
    const record = await this.store.read(id).catch((error: unknown) => {
      log.warn({ job: id, err: error }, 'job record could not be read');
      return undefined;
    });
    return record && this.expireLease(record);
  }

  /** Every record, newest first; finished ones beyond `keepFinished` are removed. */
  async list(): Promise<JobRecord[]> {
    // This process's own jobs as they are now, taken before the store is read: a job that finishes while the
    // listing runs leaves `local` once its final record is written, and the listing may hold the one before.
    const own = new Map([...this.local].map(([id, entry]) => [id, entry.record]));
    const stored = await this.store.list();
    const storedIds = new Set(stored.map((record) => record.job.id));
    const unwritten = [...own.values()].filter((record) => !storedIds.has(record.job.id));
    const records = [
      ...(await Promise.all(stored.map((record) => Promise.resolve(own.get(record.job.id) ?? this.local.get(record.job.id)?.record ?? this.expireLease(record))))),
      ...unwritten,
    ];
    records.sort((a, b) => b.job.createdAt.getTime() - a.job.createdAt.getTime());
    const finished = records.filter((record) => !isActive(record.job));
    for (const old of finished.slice(this.options.keepFinished)) void this.store.remove(old.job.id).catch(() => undefined);
    return records.filter((record) => isActive(record.job) || finished.indexOf(record) < this.options.keepFinished);
  }

  /** Called at a heartbeat when another replica asked to cancel a job this process runs. */
  watchCancels(handler: (id: string, reason: string) => void): void {
    this.onCancelRequested = handler;
  }

  /**
   * Cancels a job this process does not run. A job still waiting for a worker is claimed (so that none
   * starts it) and its record finished as `cancelled`; a running one gets a cancel request, which its
   * runner reads at its next heartbeat. Waits up to `waitMs` for the record to end, and returns it as it is.
   */
  async cancelElsewhere(record: JobRecord, reason: string, cancelled: TrainingJob, waitMs = 2 * this.options.heartbeatMs + 2_000): Promise<TrainingJob> {
    const id = record.job.id;
    if (!record.runner && (await this.store.claim(id, RUNNER))) {
      const sequence = (record.events.at(-1)?.sequence ?? 0) + 1;
      await this.store.write({ ...record, job: cancelled, runner: RUNNER, events: [...record.events, { jobId: id, sequence, kind: 'STATUS', at: new Date(), job: cancelled }] });
      return { ...cancelled };
    }
    await this.store.requestCancel(id, reason);
    const deadline = Date.now() + waitMs;
    let latest = record;
    while (isActive(latest.job) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      latest = (await this.read(id)) ?? latest;
    }
    return { ...latest.job };
  }

  /** Writes what is pending and stops the heartbeat (the records of jobs still running then expire). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const id of this.local.keys()) this.flush(id);
    await Promise.allSettled([...this.local.values()].map((entry) => entry.writing));
  }

  private beat(): void {
    const now = new Date().toISOString();
    for (const [id, entry] of this.local) {
      entry.record = { ...entry.record, heartbeatAt: now };
      entry.dirty = true;
      this.flush(id);
      if (isActive(entry.record.job) && this.onCancelRequested) void this.checkCancel(id);
    }
  }

  private async checkCancel(id: string): Promise<void> {
    const reason = await this.store.cancelRequest(id).catch((error: unknown) => log.warn({ job: id, err: error }, 'cancel request could not be read'));
    if (reason) this.onCancelRequested?.(id, reason);
  }

  private flush(id: string): void {
    const entry = this.local.get(id);
    if (!entry) return;
    clearTimeout(entry.flushTimer);
    entry.flushTimer = undefined;
    if (!entry.dirty) return;
    entry.dirty = false;
    const { record } = entry;
    entry.writing = entry.writing
      .then(() => this.store.write(record))
      .catch((error: unknown) => log.warn({ job: id, err: error }, 'job record could not be written; retried at the next heartbeat'));
    // A finished job's record is final: this process stops answering for it from memory.
    if (!isActive(record.job)) void entry.writing.then(() => this.local.get(id)?.record === record && this.local.delete(id));
  }

  private async expireLease(record: JobRecord): Promise<JobRecord> {
    if (!isActive(record.job) || !record.heartbeatAt) return record;
    const silentMs = Date.now() - Date.parse(record.heartbeatAt);
    if (silentMs <= this.options.leaseMs) return record;
    const reason = `interrupted: the process running the job (${record.runner ?? 'unknown'}) stopped; no heartbeat for ${Math.round(silentMs / 1000)} s`;
    const job: TrainingJob = { ...record.job, status: 'FAILED', finishedAt: new Date(), error: reason, errorCode: ErrorCode.TrainingInterrupted, etaSeconds: undefined };
    const sequence = (record.events.at(-1)?.sequence ?? 0) + 1;
    const failed: JobRecord = { ...record, job, events: [...record.events, { jobId: job.id, sequence, kind: 'STATUS', at: new Date(), job }] };
    await this.store.write(failed).catch((error: unknown) => log.warn({ job: job.id, err: error }, 'interrupted job record could not be written'));
    log.warn({ job: job.id, model: job.modelId, runner: record.runner }, 'training job interrupted: its runner stopped heartbeating');
    return failed;
  }
}
