import { TrainingJobEvents, type TrainingJobEvent } from '../../src/training/TrainingJobEvents';
import type { TrainingJob } from '../../src/training/trainingJob';

const job = (status: TrainingJob['status'], extra: Partial<TrainingJob> = {}): TrainingJob => ({
  id: 'j1',
  modelId: 'm',
  owner: 'anon:test',
  status,
  progress: 0,
  epochs: 2,
  createdAt: new Date(0),
  ...extra,
});

async function drain(events: AsyncIterableIterator<TrainingJobEvent>): Promise<TrainingJobEvent[]> {
  const seen: TrainingJobEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

/** The event layer on its own: ordering, late watchers, slow watchers, and ends. */
describe('TrainingJobEvents', () => {
  it('turns progress reports into STAGE, PROGRESS and EPOCH events, numbered in order, and ends after the final status', async () => {
    const hub = new TrainingJobEvents();
    hub.publish(job('QUEUED'), 'STATUS');
    const watcher = hub.watch('j1')!;
    hub.publish(job('RUNNING'), 'STATUS');
    hub.progressed(job('RUNNING', { stage: 'embedding' }), { stage: 'embedding', progress: 0.1, done: 1, total: 4 }, undefined);
    hub.progressed(job('RUNNING', { stage: 'embedding' }), { stage: 'embedding', progress: 0.2, done: 2, total: 4 }, 'embedding');
    hub.progressed(job('RUNNING', { stage: 'fine-tuning' as never }), { stage: 'fine-tuning' as never, progress: 0.5, epoch: { epoch: 1, epochs: 2, loss: 0.5 } }, 'embedding');
    hub.publish(job('SUCCEEDED', { progress: 1 }), 'STATUS');
    hub.publish(job('SUCCEEDED', { progress: 1 }), 'STATUS'); // after the end: not delivered to this watcher
    const seen = await drain(watcher);
    expect(seen.map((event) => [event.sequence, event.kind, event.stage ?? null, event.job.status])).toEqual([
      [1, 'STATUS', null, 'QUEUED'],
      [2, 'STATUS', null, 'RUNNING'],
      [3, 'STAGE', 'embedding', 'RUNNING'],
      [4, 'PROGRESS', 'embedding', 'RUNNING'],
      [5, 'STAGE', 'fine-tuning', 'RUNNING'],
      [6, 'EPOCH', 'fine-tuning', 'RUNNING'],
      [7, 'STATUS', null, 'SUCCEEDED'],
    ]);
    expect(seen[3]).toMatchObject({ step: 2, steps: 4 });
    expect(hub.watching()).toBe(0);
  });

  it('starts a late watcher at the latest event, and refuses jobs it never saw or forgot', async () => {
    const hub = new TrainingJobEvents();
    hub.publish(job('QUEUED'), 'STATUS');
    hub.publish(job('FAILED', { error: 'boom' }), 'STATUS');
    expect((await drain(hub.watch('j1')!)).map((event) => [event.sequence, event.job.error])).toEqual([[2, 'boom']]);
    expect(hub.watch('other')).toBeUndefined();
    hub.forget('j1');
    expect(hub.watch('j1')).toBeUndefined();
  });

  it('drops waiting PROGRESS events first for a watcher that does not keep up, never the final one', async () => {
    const hub = new TrainingJobEvents();
    hub.publish(job('RUNNING'), 'STATUS');
    const watcher = hub.watch('j1')!;
    for (let i = 0; i < 1000; i++) hub.publish(job('RUNNING', { progress: i / 1000 }), 'PROGRESS');
    hub.publish(job('RUNNING'), 'EPOCH');
    hub.publish(job('SUCCEEDED'), 'STATUS');
    const seen = await drain(watcher);
    expect(seen.length).toBeLessThanOrEqual(256);
    expect(seen[0]).toMatchObject({ sequence: 1, kind: 'STATUS' });
    expect(seen.slice(-2).map((event) => event.kind)).toEqual(['EPOCH', 'STATUS']);
    const sequences = seen.map((event) => event.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
  });

  it('lets a watcher leave while it waits, and ends every watcher on close', async () => {
    const hub = new TrainingJobEvents();
    hub.publish(job('QUEUED'), 'STATUS');
    const leaving = hub.watch('j1')!;
    await leaving.next();
    const pending = leaving.next();
    await leaving.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(hub.watching()).toBe(0);

    const staying = hub.watch('j1')!;
    await staying.next();
    const waiting = staying.next();
    hub.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(hub.watching()).toBe(0);
  });
});
