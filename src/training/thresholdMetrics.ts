/**
 * Metrics of TEST scores at any score threshold: the one home of their definitions, used by the
 * evaluation at 0.5 (evaluate.ts) and by the threshold slider, the curve and the "none of these classes"
 * threshold (from the scores kept with an evaluation). Precision is 0 when nothing is predicted at a
 * threshold (scikit-learn's zero_division=0).
 */

/** Score at which a label counts as predicted, for an evaluation's `perClass` and multi-label predictions. */
export const EVALUATION_THRESHOLD = 0.5;

/* The metric types live here, with their definitions; evaluate.ts re-exports them. */
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

/** Scores and 0/1 targets of `classes` labels per example, row-major. */
export interface ScoredSet {
  scores: ArrayLike<number>;
  targets: ArrayLike<number>;
  classes: number;
  multiLabel: boolean;
}

export interface Pair {
  score: number;
  positive: boolean;
}

export interface Counts {
  truePositives: number;
  predicted: number;
  positives: number;
}

export interface ThresholdMetrics {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** Examples whose top score is below the threshold: given no label. */
  unlabelled: number;
  perClass: ClassMetrics[];
}

export const examplesOf = (set: ScoredSet) => (set.classes === 0 ? 0 : set.scores.length / set.classes);

/** Every (example, label) pair, for micro-averaged figures. */
export function pairsOf(set: ScoredSet, label?: number): Pair[] {
  const pairs: Pair[] = [];
  for (let row = 0; row < examplesOf(set); row++) {
    for (let c = label ?? 0; c < (label === undefined ? set.classes : label + 1); c++) {
      pairs.push({ score: set.scores[row * set.classes + c], positive: set.targets[row * set.classes + c] === 1 });
    }
  }
  return pairs;
}

export function countAt(pairs: Pair[], threshold: number): Counts {
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

export function prf({ truePositives, predicted, positives }: Counts): { precision: number; recall: number; f1: number } {
  const precision = predicted ? truePositives / predicted : 0;
  const recall = positives ? truePositives / positives : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision: round(precision), recall: round(recall), f1: round(f1) };
}

/** Precision, recall and F1 of each label at `threshold`; support and auPrc do not depend on it. */
export function perClassAt(set: ScoredSet, labels: string[], threshold: number): ClassMetrics[] {
  return labels.map((label, c) => {
    const pairs = pairsOf(set, c);
    const counts = countAt(pairs, threshold);
    return { label, ...prf(counts), support: counts.positives, auPrc: round(averagePrecision(pairs)) };
  });
}

/** Micro-averaged and per-label metrics at `threshold`, and how many examples it leaves with no label. */
export function metricsAt(set: ScoredSet, labels: string[], threshold: number): ThresholdMetrics {
  let unlabelled = 0;
  for (let row = 0; row < examplesOf(set); row++) if (topOf(set.scores, row, set.classes).score < threshold) unlabelled++;
  return { threshold, ...prf(countAt(pairsOf(set), threshold)), unlabelled, perClass: perClassAt(set, labels, threshold) };
}

/** Micro-averaged precision and recall at 0.00, 0.01, ... 1.00. */
export function precisionRecallCurve(set: ScoredSet): ConfidenceMetrics[] {
  const pairs = pairsOf(set);
  return Array.from({ length: 101 }, (_, i) => {
    const threshold = round(i / 100);
    return { threshold, ...prf(countAt(pairs, threshold)) };
  });
}

/** The label scored highest in a row (the first of equal scores, as the confusion matrix counts it). */
export function topOf(scores: ArrayLike<number>, row: number, classes: number): { label: number; score: number } {
  let best = 0;
  for (let c = 1; c < classes; c++) if (scores[row * classes + c] > scores[row * classes + best]) best = c;
  return { label: best, score: scores[row * classes + best] };
}

/** Single-label: the top score is a true label. Multi-label: the labels at 0.5 are exactly the true ones. */
export function isCorrect(set: ScoredSet, row: number): boolean {
  const { classes, scores, targets } = set;
  if (!set.multiLabel) return targets[row * classes + topOf(scores, row, classes).label] === 1;
  for (let c = 0; c < classes; c++) if (scores[row * classes + c] >= EVALUATION_THRESHOLD !== (targets[row * classes + c] === 1)) return false;
  return true;
}

/** Share of the examples classified right that stay named above the unknown threshold. */
export const KEPT_NAMED = 0.95;

/**
 * The 5th percentile of the top scores of the examples classified right: below it a photo is better
 * called "none of these classes" (95% of the right ones keep their name). 0 when none is right.
 */
export function unknownThreshold(set: ScoredSet): number {
  const tops: number[] = [];
  for (let row = 0; row < examplesOf(set); row++) if (isCorrect(set, row)) tops.push(topOf(set.scores, row, set.classes).score);
  if (tops.length === 0) return 0;
  tops.sort((a, b) => a - b);
  return tops[Math.floor((1 - KEPT_NAMED) * tops.length)];
}

/** Area under the precision-recall curve as a step function (average precision); tied scores form one step. */
export function averagePrecision(pairs: Pair[]): number {
  const positives = pairs.filter((pair) => pair.positive).length;
  if (positives === 0) return 0;
  const sorted = [...pairs].sort((a, b) => b.score - a.score);
  let truePositives = 0;
  let area = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    let gained = 0;
    while (j < sorted.length && sorted[j].score === sorted[i].score) {
      if (sorted[j].positive) gained++;
      j++;
    }
    truePositives += gained;
    area += (gained / positives) * (truePositives / j);
    i = j;
  }
  return area;
}

export function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
