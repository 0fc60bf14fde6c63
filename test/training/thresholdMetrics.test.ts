import fs from 'node:fs';
import path from 'node:path';
import { evaluate, type ModelEvaluation } from '../../src/training/evaluate';
import { curveOf, datasetRelative, evaluationPhotoFiles, filterPhotos, readEvaluationPhotos, thresholdMetricsOf, unknownThresholdOf } from '../../src/training/evaluationPhotos';
import { metricsAt, precisionRecallCurve, unknownThreshold, type ScoredSet } from '../../src/training/thresholdMetrics';
import { temporaryDir } from './support/images';

// 4 TEST photos, labels a/b/c (as in evaluate.test.ts): photo 2 (true a) is predicted b with its top score 0.45.
const labels = ['a', 'b', 'c'];
const set: ScoredSet = {
  scores: Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.4, 0.45, 0.15, 0.2, 0.2, 0.6]),
  targets: Float32Array.from([1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1]),
  classes: 3,
  multiLabel: false,
};

describe('metrics at a score threshold', () => {
  it('counts (photo, label) pairs at or above it, and photos whose top score is below it', () => {
    // At 0.4: given 0.7(a,+) 0.6(b,+) 0.4(a,+) 0.45(b,-) 0.6(c,+): 4 right of 5, all 4 true pairs given.
    const at40 = metricsAt(set, labels, 0.4);
    expect(at40).toMatchObject({ threshold: 0.4, precision: 0.8, recall: 1, unlabelled: 0 });
    expect(at40.f1).toBeCloseTo((2 * 0.8) / 1.8, 5);
    expect(at40.perClass.map(({ label, precision, recall, support }) => [label, precision, recall, support])).toEqual([
      ['a', 1, 1, 2],
      ['b', 0.5, 1, 1],
      ['c', 1, 1, 1],
    ]);
    // At 0.5 photo 2 (top 0.45) gets no label; the figures equal the evaluation's own at 0.5.
    const at50 = metricsAt(set, labels, 0.5);
    expect(at50).toMatchObject({ precision: 1, recall: 0.75, unlabelled: 1 });
    expect(at50.perClass).toEqual(evaluate(set.scores as Float32Array, set.targets as Float32Array, labels, false).perClass);
    expect(metricsAt(set, labels, 1)).toMatchObject({ precision: 0, recall: 0, f1: 0, unlabelled: 4 });
  });

  it('draws the curve at 0.00 ... 1.00 (101 points) with the same figures', () => {
    const curve = precisionRecallCurve(set);
    expect(curve).toHaveLength(101);
    expect(curve[0]).toMatchObject({ threshold: 0, precision: 0.333333, recall: 1 }); // every pair given: 4 true of 12
    expect(curve[40]).toMatchObject({ threshold: 0.4, precision: 0.8, recall: 1 });
    expect(curve[100].threshold).toBe(1);
  });

  it('puts the unknown threshold at the 5th percentile of the top scores of the photos named right', () => {
    // Right: photos 0 (0.7), 1 (0.6), 3 (0.6); photo 2 is wrong: its 0.45 does not count.
    expect(unknownThreshold(set)).toBeCloseTo(0.6, 6);
    const many: ScoredSet = {
      scores: Float32Array.from({ length: 40 }, (_, i) => (i % 2 ? 0 : (i / 2 + 1) / 20)),
      targets: Float32Array.from({ length: 40 }, (_, i) => (i % 2 ? 0 : 1)),
      classes: 2,
      multiLabel: false,
    };
    // 20 right photos with tops 0.05, 0.10 ... 1.00: 19 of 20 stay at or above 0.10.
    expect(unknownThreshold(many)).toBeCloseTo(0.1, 6);
    expect(unknownThreshold({ ...set, targets: new Float32Array(12) })).toBe(0);
  });
});

describe('the TEST photos kept with an evaluation', () => {
  const root = temporaryDir('evaluation-photos-');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const thumbnail = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

  it('round-trips scores, labels, relative paths and thumbnails through the model folder files', async () => {
    const files = evaluationPhotoFiles(set, labels, ['a/1.jpg', 'b/2.jpg', 'a/3.jpg', 'c/4.jpg'], new Map([[2, thumbnail]]));
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(root, name), content);
    const photos = (await readEvaluationPhotos(root))!;
    expect(photos.photos[2]).toEqual({
      path: 'a/3.jpg',
      trueLabels: ['a'],
      predictedLabel: 'b',
      score: 0.45,
      scores: [0.4, 0.45, 0.15],
      thumbnail: `data:image/jpeg;base64,${thumbnail.toString('base64')}`,
    });
    expect(photos.photos[0].thumbnail).toBeNull();
    expect(metricsAt(photos.set, photos.labels, 0.4)).toEqual(metricsAt(set, labels, 0.4));
    expect(await readEvaluationPhotos(path.join(root, 'none'))).toBeUndefined();
  });

  it('filters a confusion-matrix cell, a row and a column, and bounds `first`', async () => {
    const photos = await readEvaluationPhotos(root);
    expect(filterPhotos(photos, { trueLabel: 'a', predictedLabel: 'b', first: 50 }).map((photo) => photo.path)).toEqual(['a/3.jpg']);
    expect(filterPhotos(photos, { trueLabel: 'a', first: 50 }).map((photo) => photo.path)).toEqual(['a/1.jpg', 'a/3.jpg']);
    expect(filterPhotos(photos, { predictedLabel: 'b', first: 1 }).map((photo) => photo.path)).toEqual(['b/2.jpg']);
    expect(filterPhotos(photos, { trueLabel: 'nope', first: 50 })).toEqual([]);
    expect(filterPhotos(undefined, { first: 50 })).toEqual([]);
    expect(() => filterPhotos(photos, { first: 0 })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => filterPhotos(photos, { first: 501 })).toThrow(/1 to 500/);
  });

  it('counts a multi-label photo as predicted for every label scoring at least 0.5', async () => {
    const multi: ScoredSet = { scores: Float32Array.from([0.9, 0.7, 0.1, 0.2, 0.6, 0.55]), targets: Float32Array.from([1, 1, 0, 0, 0, 1]), classes: 3, multiLabel: true };
    const dir = path.join(root, 'multi');
    fs.mkdirSync(dir);
    for (const [name, content] of Object.entries(evaluationPhotoFiles(multi, labels, ['x.jpg', 'y.jpg'], new Map()))) fs.writeFileSync(path.join(dir, name), content);
    const photos = await readEvaluationPhotos(dir);
    const matrix = evaluate(multi.scores as Float32Array, multi.targets as Float32Array, labels, true).confusionMatrix.matrix;
    for (const [t, trueLabel] of labels.entries()) {
      for (const [p, predictedLabel] of labels.entries()) expect(filterPhotos(photos, { trueLabel, predictedLabel, first: 500 })).toHaveLength(matrix[t][p]);
    }
  });

  it('answers an evaluation written before photos were kept from what it holds', () => {
    const { precisionRecallCurve: _curve, unknownThreshold: _unknown, ...old } = evaluate(set.scores as Float32Array, set.targets as Float32Array, labels, false);
    const legacy: ModelEvaluation = old;
    expect(curveOf(legacy, undefined)).toEqual([]);
    // The nearest of confidenceMetrics (0.05 steps), perClass at 0.5, unlabelled unknown (0).
    expect(thresholdMetricsOf(legacy, undefined, 0.42)).toEqual({ threshold: 0.42, precision: 0.8, recall: 1, f1: expect.any(Number), unlabelled: 0, perClass: legacy.perClass });
    // Accuracy 0.75: the highest threshold whose recall keeps 95% of it (0.7125) is 0.6 (recall 0.75).
    expect(unknownThresholdOf(legacy, undefined)).toBe(0.6);
    expect(() => thresholdMetricsOf(legacy, undefined, 1.5)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => thresholdMetricsOf(legacy, undefined, Number.NaN)).toThrow(/0 to 1/);
  });

  it('keeps paths relative to the dataset, never absolute', () => {
    expect(datasetRelative(path.join('/data', 'flowers', 'rose', '1.jpg'), '/data/flowers')).toBe('rose/1.jpg');
    expect(datasetRelative('/elsewhere/2.jpg', '/data/flowers')).toBe('2.jpg');
    expect(datasetRelative('gs://bucket/3.jpg', '/data')).toBe('gs://bucket/3.jpg');
  });
});
