/** AutoML-style evaluation of a classifier's scores on the TEST split. */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** TEST images that have this label. */
  support: number;
  /** Area under this label's precision-recall curve (average precision). */
  auPrc: number;
}

export interface ConfidenceMetrics {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

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
}

export const EVALUATION_THRESHOLD = 0.5;
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

  const perClass = labels.map((label, c) => {
    const pairs = Array.from({ length: examples }, (_, row) => ({ score: at(row, c), positive: truth(row, c) }));
    const counts = countAt(pairs, EVALUATION_THRESHOLD);
    return { label, ...prf(counts), support: counts.positives, auPrc: round(averagePrecision(pairs)) };
  });
  const allPairs: Pair[] = [];
  for (let row = 0; row < examples; row++) for (let c = 0; c < classes; c++) allPairs.push({ score: at(row, c), positive: truth(row, c) });

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
  };
}

interface Pair {
  score: number;
  positive: boolean;
}

interface Counts {
  truePositives: number;
  predicted: number;
  positives: number;
}

function countAt(pairs: Pair[], threshold: number): Counts {
  let truePositives = 0;
  let predicted = 0;
  let positives = 0;
  for (const pair of pairs) {
    const hit = pair.score >= threshold;
    if (hit) predicted++;
    if (pair.positive) positives++;
    if (hit && pair.positive) truePositives++;
  }
  return { truePositives, predicted, positives };
}

function prf({ truePositives, predicted, positives }: Counts): { precision: number; recall: number; f1: number } {
  const precision = predicted ? truePositives / predicted : 0;
  const recall = positives ? truePositives / positives : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision: round(precision), recall: round(recall), f1: round(f1) };
}

/** Area under the precision-recall curve as a step function (average precision); tied scores form one step. */
export function averagePrecision(pairs: Pair[]): number {
  const positives = pairs.filter((pair) => pair.positive).length;
  if (positives === 0) return 0;
  const sorted = [...pairs].sort((a, b) => b.score - a.score);
  let truePositives = 0;
  let seen: number;
  let area = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    let gained = 0;
    while (j < sorted.length && sorted[j].score === sorted[i].score) {
      if (sorted[j].positive) gained++;
      j++;
    }
    truePositives += gained;
    seen = j;
    area += (gained / positives) * (truePositives / seen);
    i = j;
  }
  return area;
}

const clamp = (p: number) => Math.min(1 - 1e-7, Math.max(1e-7, p));

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
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
