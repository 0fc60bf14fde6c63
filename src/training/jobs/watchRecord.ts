import type { TrainingJobEvent } from '../TrainingJobEvents';
import type { JobRecords } from './JobRecords';

const isFinal = (event: TrainingJobEvent) => event.kind === 'STATUS' && event.job.status !== 'QUEUED' && event.job.status !== 'RUNNING';

/**
 * A job's events read from its record, for a replica that does not run the job: the latest event first
 * (as TrainingJobEvents.watch starts), then each newer one as the record is polled every `pollMs`,
 * ending after the final STATUS event. Events the record no longer holds (PROGRESS beyond its cap)
 * are skipped; the next event's `job` carries the state.
 */
export async function* watchRecord(records: JobRecords, jobId: string, pollMs: number, signal?: AbortSignal): AsyncGenerator<TrainingJobEvent> {
  let last = 0;
  for (let first = true; !signal?.aborted; first = false) {
    const record = await records.read(jobId);
    if (!record) return;
    const events = first ? record.events.slice(-1) : record.events.filter((event) => event.sequence > last);
    for (const event of events) {
      last = event.sequence;
      yield event;
      if (isFinal(event)) return;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
