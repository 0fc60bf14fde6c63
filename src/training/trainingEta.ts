import type { EpochPlan } from './epochReport';
import type { TrainProgress } from './trainClassifier';

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
/** Recent epochs a rate is measured on: it follows a change of speed (a busier machine) within a few epochs. */
const RECENT = 5;

/**
 * Seconds left in a training run, from rates measured per kind of work rather than from the run's overall
 * progress: stages run at very different speeds (embedding from the cache is near instant, fine-tuning
 * epochs are many times a head epoch's), so `elapsed × (1 - progress) / progress` stalled on a wrong
 * weighting. Images are timed while embedding, head and fine-tuning epochs each as they finish (a
 * fine-tuning epoch also within itself, by its steps); what is still to come is counted from the run's
 * EpochPlan. The refit is the evaluated fit again on `refitScale` times the examples. A rate not yet
 * measured falls back: fine-tuning to the head's, everything before the first epoch to the overall
 * progress (as before).
 */
export class TrainingEta {
  private stage?: string;
  private stageStartedAt = 0;
  private lastReportAt?: number;
  /** When the epoch now running began (the previous epoch's end, or its stage's start). */
  private epochStartedAt = 0;
  private readonly durations = { head: [] as number[], fineTune: [] as number[], refitHead: [] as number[], refitFineTune: [] as number[] };
  private done = { head: 0, fineTune: 0 };
  private inRefit = false;
  private refitScale = 1;
  /** Share of the fine-tuning epoch now running that is done (its steps). */
  private stepFraction = 0;

  constructor(
    private readonly plan: EpochPlan,
    private readonly startedAt: number,
  ) {}

  /** Takes one progress report made at `now` (ms) and returns the seconds left, or undefined while nothing tells. */
  update(progress: TrainProgress, now: number): number | undefined {
    if (progress.stage !== this.stage) this.enterStage(progress.stage, this.lastReportAt ?? now);
    this.lastReportAt = now;
    if (progress.refitScale) this.refitScale = progress.refitScale;
    if (progress.epoch) this.finishEpoch(progress.epoch.phase === 'fine-tune', now);
    else if (progress.step) this.stepFraction = progress.step.step / progress.step.steps;
    return this.secondsLeft(progress, now);
  }

  private enterStage(stage: string, at: number): void {
    this.stage = stage;
    this.stageStartedAt = at;
    this.epochStartedAt = at;
    if (stage === 'refitting') {
      this.inRefit = true;
      this.done = { head: 0, fineTune: 0 };
    }
  }

  private finishEpoch(fineTune: boolean, now: number): void {
    const list = this.inRefit ? (fineTune ? this.durations.refitFineTune : this.durations.refitHead) : fineTune ? this.durations.fineTune : this.durations.head;
    list.push((now - this.epochStartedAt) / 1000);
    if (list.length > RECENT) list.shift();
    this.epochStartedAt = now;
    this.stepFraction = 0;
    if (fineTune) this.done.fineTune++;
    else this.done.head++;
  }

  private secondsLeft(progress: TrainProgress, now: number): number | undefined {
    const elapsed = (now - this.startedAt) / 1000;
    const byProgress = progress.progress > 0.02 ? (elapsed * (1 - progress.progress)) / progress.progress : undefined;
    if (this.stage === 'saving') return 0;
    if (this.stage === 'reading' || this.stage === 'embedding') return this.embeddingLeft(progress, now) ?? byProgress;
    const fit = this.fitRates();
    if (!fit) return byProgress;
    const refit = this.refitRates(fit);
    const rates = this.inRefit ? refit : fit;
    const fineTuneLeft = Math.max(0, this.plan.fineTune - this.done.fineTune - (this.done.head >= this.plan.head ? this.stepFraction : 0));
    let left = Math.max(0, this.plan.head - this.done.head) * rates.head + fineTuneLeft * rates.fineTune;
    if (this.plan.refit && !this.inRefit) left += this.plan.head * refit.head + this.plan.fineTune * refit.fineTune;
    return Math.max(0, left);
  }

  /** Images left at the rate measured so far, plus the epochs at the rate embedding predicts nothing about: by progress. */
  private embeddingLeft(progress: TrainProgress, now: number): number | undefined {
    if (this.stage !== 'embedding' || !progress.done || !progress.total || progress.progress <= 0.02) return undefined;
    const perImage = (now - this.stageStartedAt) / 1000 / progress.done;
    const embedding = perImage * (progress.total - progress.done);
    // The rest of the run is weighted as trainClassifier's progress shares weigh it against embedding.
    const rest = ((now - this.stageStartedAt) / 1000 / progress.progress) * (1 - progress.progress) - embedding;
    return embedding + Math.max(0, rest);
  }

  /** Seconds per head and per fine-tuning epoch of the evaluated fit; undefined before its first epoch. */
  private fitRates(): { head: number; fineTune: number } | undefined {
    const head = this.durations.head.length ? mean(this.durations.head) : undefined;
    if (head === undefined) return undefined;
    const running = this.stepFraction > 0 && !this.inRefit ? (this.lastReportAt! - this.epochStartedAt) / 1000 / this.stepFraction : undefined;
    const fineTune = this.durations.fineTune.length ? mean(this.durations.fineTune) : (running ?? head);
    return { head, fineTune };
  }

  /** The refit's rates: measured once its epochs run, else the fit's scaled by its larger data. */
  private refitRates(fit: { head: number; fineTune: number }): { head: number; fineTune: number } {
    const running = this.stepFraction > 0 && this.inRefit ? (this.lastReportAt! - this.epochStartedAt) / 1000 / this.stepFraction : undefined;
    return {
      head: this.durations.refitHead.length ? mean(this.durations.refitHead) : fit.head * this.refitScale,
      fineTune: this.durations.refitFineTune.length ? mean(this.durations.refitFineTune) : (running ?? fit.fineTune * this.refitScale),
    };
  }
}
