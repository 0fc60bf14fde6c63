import type { EpochReport } from './epochReport';

/** Single-label: the top score is a true label. Multi-label: the labels at 0.5 are exactly the true ones. */
export function countCorrect(scores: Float32Array, targets: Float32Array, classes: number, multiLabel: boolean): number {
  let correct = 0;
  for (let row = 0; row < scores.length / classes; row++) {
    let best = 0;
    let exact = true;
    for (let c = 0; c < classes; c++) {
      if (scores[row * classes + c] > scores[row * classes + best]) best = c;
      if ((scores[row * classes + c] >= 0.5 ? 1 : 0) !== targets[row * classes + c]) exact = false;
    }
    if (multiLabel ? exact : targets[row * classes + best] === 1) correct++;
  }
  return correct;
}

/** Mean cross-entropy (per label when multi-label) and accuracy of scores (count × classes) against multi-hot targets. */
export function validationMetrics(scores: Float32Array, targets: Float32Array, count: number, multiLabel: boolean): Pick<EpochReport, 'validationLoss' | 'validationAccuracy'> {
  const classes = targets.length / count;
  let loss = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, scores[i]));
    const t = targets[i];
    loss -= multiLabel ? t * Math.log(p) + (1 - t) * Math.log(1 - p) : t * Math.log(p);
  }
  return { validationLoss: loss / (count * (multiLabel ? classes : 1)), validationAccuracy: countCorrect(scores, targets, classes, multiLabel) / count };
}
