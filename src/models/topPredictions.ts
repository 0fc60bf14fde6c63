import type { LabelOptions, Prediction } from './types';

/** The labels scoring at least `minConfidence`, best first, at most `maxResults`. */
export function topPredictions(scores: ArrayLike<number>, labels: string[], mids: string[] | undefined, options: LabelOptions): Prediction[] {
  return topIndices(scores, options).map((i) => {
    const prediction: Prediction = { name: labels[i], score: scores[i] };
    if (mids?.[i]) prediction.mid = mids[i];
    return prediction;
  });
}

/** Runs on the main (GraphQL) thread for every image: for the usual few results, keep a small sorted list instead of sorting all classes. */
function topIndices(scores: ArrayLike<number>, { minConfidence, maxResults }: LabelOptions): number[] {
  const limit = Math.max(0, Math.min(maxResults, scores.length));
  if (limit === 0) return [];
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i];
    if (!(score >= minConfidence)) continue;
    if (best.length === limit && score <= scores[best[limit - 1]]) continue;
    let at = best.length === limit ? limit - 1 : best.length;
    while (at > 0 && scores[best[at - 1]] < score) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = i;
  }
  return best;
}
