/** AutoML-style evaluation of a classifier's scores on the TEST split. */
import {
  countAt,
  EVALUATION_THRESHOLD,
  averagePrecision,
  pairsOf,
  perClassAt,
  precisionRecallCurve,
  prf,
  round,
  unknownThreshold,
  type ClassMetrics,
  type ConfidenceMetrics,
  type ScoredSet,
} from './thresholdMetrics';

export { EVALUATION_THRESHOLD, averagePrecision } from './thresholdMetrics';
export type { ClassMetrics, ConfidenceMetrics } from './thresholdMetrics';

const clamp = (p: number) => Math.min(1 - 1e-7, Math.max(1e-7, p));

export interface ConfusionMatrix {
  labels: string[];
  /** matrix[i][j]: TEST images labelled labels[i] predicted as labels[j]. */
  matrix: number[][];
}

export interface ModelEvaluation {
  split: 'TEST';
  examples: number;
  multiLabel: boolean;
  /** Score at which a label counts as predicted, for `perClass`. */
  threshold: number;
  /** Single-label: top score is the true label. Multi-label: the labels at `threshold` are exactly the true ones. */
  accuracy: number;
  /** Micro-averaged average precision over every (image, label) pair. */
  auPrc: number;
  /** Mean cross-entropy: categorical (single-label) or binary per label (multi-label). */
  logLoss: number;
  perClass: ClassMetrics[];
  confusionMatrix: ConfusionMatrix;
  /** Micro-averaged precision / recall over (image, label) pairs at thresholds 0.05, 0.10, ... 0.95. */
  confidenceMetrics: ConfidenceMetrics[];
  /** The same at 0.00, 0.01, ... 1.00 (101 points); absent in evaluations written before it was kept. */
  precisionRecallCurve?: ConfidenceMetrics[];
  /** Top score below which a photo is better called "none of these classes" (thresholdMetrics.unknownThreshold); absent before it was kept. */
  unknownThreshold?: number;
}

export const CONFIDENCE_THRESHOLDS = Array.from({ length: 19 }, (_, i) => round((i + 1) * 0.05));

/**
 * `scores` and `targets` are examples × labels, row-major; targets are 0/1. Precision is 0 when
 * nothing is predicted at a threshold (scikit-learn's zero_division=0).
 * In the multi-label confusion matrix a row counts every label predicted for images of that label.
 */
export function evaluate(scores: Float32Array, targets: Float32Array, labels: string[], multiLabel: boolean): ModelEvaluation {
  const classes = labels.length;
  const examples = classes === 0 ? 0 : scores.length / classes;
  const at = (row: number, c: number) => scores[row * classes + c];
  const truth = (row: number, c: number) => targets[row * classes + c] === 1;

  let correct = 0;
  let logLoss = 0;
  const matrix = labels.map(() => new Array<number>(classes).fill(0));
  for (let row = 0; row < examples; row++) {
    let best = 0;
    let exact = true;
    for (let c = 0; c < classes; c++) {
      if (at(row, c) > at(row, best)) best = c;
      const p = clamp(at(row, c));
      if (multiLabel) logLoss -= truth(row, c) ? Math.log(p) : Math.log(1 - p);
      else if (truth(row, c)) logLoss -= Math.log(p);
      if (at(row, c) >= EVALUATION_THRESHOLD !== truth(row, c)) exact = false;
    }
    if (multiLabel ? exact : truth(row, best)) correct++;
    for (let t = 0; t < classes; t++) {
      if (!truth(row, t)) continue;
      if (!multiLabel) matrix[t][best]++;
      else for (let p = 0; p < classes; p++) if (at(row, p) >= EVALUATION_THRESHOLD) matrix[t][p]++;
    }
  }

  const scored: ScoredSet = { scores, targets, classes, multiLabel };
  const perClass = perClassAt(scored, labels, EVALUATION_THRESHOLD);
  const allPairs = pairsOf(scored);

  return {
    split: 'TEST',
    examples,
    multiLabel,
    threshold: EVALUATION_THRESHOLD,
    accuracy: round(examples ? correct / examples : 0),
    auPrc: round(averagePrecision(allPairs)),
    logLoss: round(examples ? logLoss / (examples * (multiLabel ? classes : 1)) : 0),
    perClass,
    confusionMatrix: { labels: [...labels], matrix },
    confidenceMetrics: CONFIDENCE_THRESHOLDS.map((threshold) => ({ threshold, ...prf(countAt(allPairs, threshold)) })),
    precisionRecallCurve: precisionRecallCurve(scored),
    unknownThreshold: round(unknownThreshold(scored)),
  };
}

/** The report stored in a model's metadata.json, if it has the shape written by training; null otherwise. */
export function asModelEvaluation(value: unknown): ModelEvaluation | null {
  const report = value as Partial<ModelEvaluation> | null | undefined;
  const ok =
    typeof report === 'object' &&
    report !== null &&
    typeof report.accuracy === 'number' &&
    typeof report.auPrc === 'number' &&
    typeof report.logLoss === 'number' &&
    typeof report.examples === 'number' &&
    Array.isArray(report.perClass) &&
    Array.isArray(report.confidenceMetrics) &&
    Array.isArray(report.confusionMatrix?.labels) &&
    Array.isArray(report.confusionMatrix?.matrix);
  return ok ? { ...(report as ModelEvaluation), multiLabel: report.multiLabel === true } : null;
}
