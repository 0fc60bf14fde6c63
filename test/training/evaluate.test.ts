import { asModelEvaluation, averagePrecision, evaluate } from '../../src/training/evaluate';

describe('evaluate (TEST-split report)', () => {
  // 4 images, labels a/b/c; rows are softmax-like scores.
  const labels = ['a', 'b', 'c'];
  const scores = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.4, 0.45, 0.15, 0.2, 0.2, 0.6]);
  const targets = Float32Array.from([1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1]);

  it('scores a single-label classifier like AutoML: accuracy, per-class P/R/F1 at 0.5, confusion matrix, log loss', () => {
    const report = evaluate(scores, targets, labels, false);
    expect(report).toMatchObject({ split: 'TEST', examples: 4, multiLabel: false, threshold: 0.5, accuracy: 0.75 });
    // image 3 (true a) is predicted b by its top score
    expect(report.confusionMatrix).toEqual({
      labels,
      matrix: [
        [1, 1, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
    });
    const a = report.perClass.find((c) => c.label === 'a')!;
    expect(a).toMatchObject({ precision: 1, recall: 0.5, support: 2 });
    expect(a.f1).toBeCloseTo(2 / 3, 5);
    expect(report.perClass.find((c) => c.label === 'b')).toMatchObject({ precision: 1, recall: 1, f1: 1, support: 1 });
    const expectedLogLoss = -(Math.log(0.7) + Math.log(0.6) + Math.log(0.4) + Math.log(0.6)) / 4;
    expect(report.logLoss).toBeCloseTo(expectedLogLoss, 5);
    expect(report.confidenceMetrics.map((m) => m.threshold)).toEqual([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]);
    // at 0.5: predicted pairs 0.7(a,+) 0.6(b,+) 0.6(c,+) -> precision 1, recall 3/4
    expect(report.confidenceMetrics[9]).toMatchObject({ threshold: 0.5, precision: 1, recall: 0.75 });
    // at 0.95 nothing is predicted: precision 0 by convention
    expect(report.confidenceMetrics[18]).toMatchObject({ precision: 0, recall: 0 });
  });

  it('computes average precision as the area under the step-wise PR curve, ties as one step', () => {
    expect(
      averagePrecision([
        { score: 0.9, positive: true },
        { score: 0.8, positive: false },
        { score: 0.7, positive: true },
      ]),
    ).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 6);
    expect(
      averagePrecision([
        { score: 0.5, positive: true },
        { score: 0.5, positive: false },
      ]),
    ).toBeCloseTo(0.5, 6);
    expect(averagePrecision([{ score: 0.5, positive: false }])).toBe(0);
  });

  it('scores a multi-label classifier with exact-match accuracy and binary log loss', () => {
    const multi = evaluate(Float32Array.from([0.9, 0.8, 0.1, 0.2]), Float32Array.from([1, 1, 1, 0]), ['x', 'y'], true);
    expect(multi).toMatchObject({ examples: 2, multiLabel: true, accuracy: 0.5 });
    expect(multi.confusionMatrix.matrix).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.1) + Math.log(0.8)) / 4;
    expect(multi.logLoss).toBeCloseTo(expected, 5);
  });

  it('accepts a stored report and rejects anything else', () => {
    const report = evaluate(scores, targets, labels, false);
    expect(asModelEvaluation(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(asModelEvaluation({ accuracy: 0.9 })).toBeNull();
    expect(asModelEvaluation(undefined)).toBeNull();
  });
});
