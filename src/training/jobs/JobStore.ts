import type { TrainOptions } from '../trainClassifier';
import type { TrainingJobEvent } from '../TrainingJobEvents';
import type { TrainingJob } from '../trainingJob';

/** A training job as every replica reads it from the shared store: the job, its recent events and its runner's heartbeat. */
export interface JobRecord {
  job: TrainingJob;
  /** The latest events, oldest first (PROGRESS events are dropped first beyond the cap). */
  events: TrainingJobEvent[];
  /** When the runner last said it is alive (ISO 8601); absent while no runner has claimed the job. */
  heartbeatAt?: string;
  /** Which process runs it (host:pid); absent while the job waits for a worker to claim it. */
  runner?: string;
  /** What to train, as the accepting replica checked it: what a worker that claims the job runs. */
  options?: TrainOptions;
}

/**
 * Where job records live so that any replica can answer for any job: one JSON document per job.
 * `claim` is an atomic create (a folder's `open(…, 'wx')`, Cloud Storage's `ifGenerationMatch=0`): of
 * two workers claiming one job, exactly one gets true.
 */
export interface JobStore {
  readonly location: string;
  read(id: string): Promise<JobRecord | undefined>;
  /** Creates or replaces the record. */
  write(record: JobRecord): Promise<void>;
  list(): Promise<JobRecord[]>;
  remove(id: string): Promise<void>;
  claim(id: string, runner: string): Promise<boolean>;
  /** Asks whoever runs the job to cancel it (an atomic create: a second request changes nothing). */
  requestCancel(id: string, reason: string): Promise<void>;
  /** The reason of a pending cancel request, or undefined when there is none. */
  cancelRequest(id: string): Promise<string | undefined>;
}

/** Dates travel as ISO strings in JSON: back to Date objects, as TrainingJobs keeps them. */
export function parseRecord(text: string): JobRecord {
  const record = JSON.parse(text) as JobRecord;
  const revive = (job: TrainingJob): TrainingJob => ({
    ...job,
    createdAt: new Date(job.createdAt),
    ...(job.startedAt ? { startedAt: new Date(job.startedAt) } : {}),
    ...(job.finishedAt ? { finishedAt: new Date(job.finishedAt) } : {}),
  });
  return { ...record, job: revive(record.job), events: record.events.map((event) => ({ ...event, at: new Date(event.at), job: revive(event.job) })) };
}
