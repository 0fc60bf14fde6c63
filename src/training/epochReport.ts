import { withTrainingDefaults } from './trainingDefaults';

/** One finished training epoch, as training reports it (progress events, the job's history). */
export interface EpochReport {
  /** 1 to `epochs`, over the whole run: the head's, then any fine-tuning ones, then the refit's. */
  epoch: number;
  /** Every epoch the run plans (EpochPlan's total). */
  epochs: number;
  /** 'head': the dense head on frozen features; 'fine-tune': the backbone's top and the head together. */
  phase?: 'head' | 'fine-tune';
  /** True for the epochs of the refit on every labelled image, which follow the evaluated fit's. */
  refit?: boolean;
  /** The epoch within its phase (head, fine-tune, or the whole refit), 1 to `phaseEpochs`. */
  phaseEpoch?: number;
  phaseEpochs?: number;
  loss: number;
  /** On the epoch's TRAIN batches, while they were learnt (fine-tuning only). */
  accuracy?: number;
  validationLoss?: number;
  validationAccuracy?: number;
}

/** The epochs a run will train, known before it starts: `epoch N / total` never changes its total. */
export interface EpochPlan {
  head: number;
  /** Fine-tuning epochs after the head's (0 with a frozen backbone). */
  fineTune: number;
  /** The whole fit again on every labelled image (refitOnAllPhotos). */
  refit: boolean;
}

export function epochPlanOf(settings: { epochs: number; fineTuneEpochs: number; refitOnAllPhotos: boolean }, fineTuning: boolean): EpochPlan {
  return { head: settings.epochs, fineTune: fineTuning ? settings.fineTuneEpochs : 0, refit: settings.refitOnAllPhotos };
}

/** The plan of a run's options (their defaults applied), known before training begins. */
export function epochPlanFor(options: { fineTuneFrom?: string; epochs?: number; fineTuneEpochs?: number; refitOnAllPhotos?: boolean }): EpochPlan {
  return epochPlanOf(withTrainingDefaults(options), options.fineTuneFrom !== undefined && options.fineTuneFrom !== 'none');
}

/** Epochs of one fit (head and fine-tuning). */
export const fitEpochsOf = (plan: EpochPlan) => plan.head + plan.fineTune;

export const totalEpochsOf = (plan: EpochPlan) => fitEpochsOf(plan) * (plan.refit ? 2 : 1);

/** Epochs kept in a job's history: more than any run the API accepts plans ((1000 + fine-tuning) × 2). */
export const MAX_HISTORY = 4096;

/** `history` with `epoch` appended, the oldest dropped beyond MAX_HISTORY. */
export function withEpoch(history: readonly EpochReport[] | undefined, epoch: EpochReport): EpochReport[] {
  const next = [...(history ?? []), epoch];
  return next.length > MAX_HISTORY ? next.slice(next.length - MAX_HISTORY) : next;
}
