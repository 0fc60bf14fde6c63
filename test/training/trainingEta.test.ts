import type { EpochReport } from '../../src/training/epochReport';
import type { TrainProgress } from '../../src/training/trainClassifier';
import { TrainingEta } from '../../src/training/trainingEta';

/**
 * A run driven through its stages on a fake clock, at speeds like a real one's where the old estimate
 * (elapsed × (1 - progress) / progress) stalled: cached embedding fast, fine-tuning epochs 10 times a
 * head epoch, the refit on 1.4 times the examples.
 */
function simulate(): Array<{ at: number; eta: number | undefined; actualLeft: number; stage: string; progress: number; step: boolean }> {
  const plan = { head: 10, fineTune: 5, refit: true };
  const images = 50;
  const reports: Array<{ at: number; progress: TrainProgress }> = [];
  let clock = 0;
  const push = (ms: number, progress: TrainProgress) => reports.push({ at: (clock += ms), progress });
  const total = (plan.head + plan.fineTune) * 2;
  const epochReport = (epoch: number, phase: EpochReport['phase'], refit: boolean): EpochReport => ({ epoch, epochs: total, phase, refit, loss: 1 / epoch });
  push(0, { stage: 'reading', progress: 0 });
  for (let done = 5; done <= images; done += 5) push(100, { stage: 'embedding', progress: (0.7 * done) / images, done, total: images });
  const fit = (offset: number, scale: number, stage: TrainProgress['stage'], refit: boolean) => {
    let epoch = offset;
    for (let i = 0; i < plan.head; i++) push(200 * scale, { stage, progress: 0.7 + (0.25 * ++epoch) / total, epoch: epochReport(epoch, 'head', refit), refitScale: 1.4 });
    for (let i = 0; i < plan.fineTune; i++) {
      epoch++;
      for (let step = 1; step <= 4; step++)
        push(500 * scale, { stage, progress: 0.7 + (0.25 * (epoch - 1 + step / 4)) / total, step: { epoch, step, steps: 4, loss: 1 }, refitScale: 1.4 });
      push(10, { stage, progress: 0.7 + (0.25 * epoch) / total, epoch: epochReport(epoch, 'fine-tune', refit), refitScale: 1.4 });
    }
  };
  fit(0, 1, 'training', false);
  push(300, { stage: 'evaluating', progress: 0.83 });
  fit(plan.head + plan.fineTune, 1.4, 'refitting', true);
  push(50, { stage: 'saving', progress: 0.98 });
  const end = clock + 100;
  const eta = new TrainingEta(plan, 0);
  return reports.map(({ at, progress }) => ({
    at,
    eta: eta.update(progress, at),
    actualLeft: (end - at) / 1000,
    stage: progress.stage,
    progress: progress.progress,
    step: progress.step !== undefined,
  }));
}

describe('TrainingEta', () => {
  const points = simulate();

  it('stays within a factor of 2 of the real time left once the first head epoch is timed (the old estimate fell below a third of it)', () => {
    const timed = points.filter((point) => ['training', 'evaluating', 'refitting'].includes(point.stage) && point.actualLeft > 0.5);
    // Before the first fine-tuning step its rate is unknown (taken as a head epoch's): from that step on, measured.
    for (const point of timed.slice(timed.findIndex((point) => point.step))) {
      expect(point.eta).toBeDefined();
      expect(point.eta!).toBeGreaterThan(point.actualLeft / 2);
      expect(point.eta!).toBeLessThan(point.actualLeft * 2);
    }
    const old = timed.map((point) => ((point.at / 1000) * (1 - point.progress)) / point.progress);
    expect(Math.min(...old.map((value, i) => value / timed[i].actualLeft))).toBeLessThan(0.3);
  });

  it('keeps falling through fine-tuning and the refit, as time passes', () => {
    const fineTuning = points.slice(points.findIndex((point) => point.step)).filter((point) => point.stage !== 'saving');
    let rises = 0;
    for (let i = 1; i < fineTuning.length; i++) if (fineTuning[i].eta! > fineTuning[i - 1].eta! * 1.05) rises++;
    expect(rises).toBeLessThanOrEqual(2);
    expect(points.at(-1)!.eta).toBe(0);
  });

  it('says nothing before the first 2% of the run', () => {
    expect(points[0].eta).toBeUndefined();
  });
});
