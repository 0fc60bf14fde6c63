import type { ExplorerTrainingEpochFieldsFragment, TrainingPhase } from '../../generated/graphql';

export type TrainingEpochView = Omit<ExplorerTrainingEpochFieldsFragment, '__typename'>;

/** Phases in the order a job goes through them. */
export const PHASES: TrainingPhase[] = ['HEAD', 'FINE_TUNE', 'REFIT'];

export const PHASE_NAMES: Record<TrainingPhase, string> = {
  HEAD: 'head',
  FINE_TUNE: 'fine-tuning',
  REFIT: 'refit on every photo',
};

/** What each phase is, for the legend and the text alternative. */
export const PHASE_HINTS: Record<TrainingPhase, string> = {
  HEAD: 'the new classification layer learns on the frozen backbone',
  FINE_TUNE: 'the backbone’s top layers learn too',
  REFIT: 'after the TEST evaluation, the same settings learn again on every photo (no validation figures)',
};

/** The latest finished epoch of each phase present in `history`, in phase order. */
export function latestPerPhase(history: readonly TrainingEpochView[]): { phase: TrainingPhase; last: TrainingEpochView; bestAccuracy?: number }[] {
  return PHASES.flatMap((phase) => {
    const epochs = history.filter((entry) => entry.phase === phase);
    if (epochs.length === 0) return [];
    const accuracies = epochs.map((entry) => entry.validationAccuracy).filter((value): value is number => value != null);
    return [{ phase, last: epochs[epochs.length - 1], bestAccuracy: accuracies.length > 0 ? Math.max(...accuracies) : undefined }];
  });
}

/** "12 s", "3 min 05 s". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
}
