import { topPredictions } from '../../src/models/topPredictions';

const labels = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('topPredictions', () => {
  test('best first, at least minConfidence, at most maxResults; ties keep class order', () => {
    const scores = new Float32Array([0.05, 0.3, 0.1, 0.3, 0.2, 0.05]);
    const names = (minConfidence: number, maxResults: number) => topPredictions(scores, labels, undefined, { minConfidence, maxResults }).map((p) => p.name);
    expect(names(0, 10)).toEqual(['b', 'd', 'e', 'c', 'a', 'f']);
    expect(names(0, 3)).toEqual(['b', 'd', 'e']);
    expect(names(0.15, 10)).toEqual(['b', 'd', 'e']);
    expect(names(0.5, 10)).toEqual([]);
    expect(names(0, 0)).toEqual([]);
  });

  test('agrees with a full sort on random scores', () => {
    const scores = Float32Array.from({ length: 1000 }, () => Math.random());
    const names = Array.from({ length: 1000 }, (_, i) => `class ${i}`);
    const expected = [...scores.keys()]
      .sort((x, y) => scores[y] - scores[x] || x - y)
      .slice(0, 7)
      .map((i) => names[i]);
    expect(topPredictions(scores, names, undefined, { minConfidence: 0, maxResults: 7 }).map((p) => p.name)).toEqual(expected);
  });

  test('mids are attached when known', () => {
    const result = topPredictions([0.9, 0.1], ['cat', 'dog'], ['/m/01yrx', ''], { minConfidence: 0, maxResults: 2 });
    expect(result).toEqual([
      { name: 'cat', score: 0.9, mid: '/m/01yrx' },
      { name: 'dog', score: 0.1 },
    ]);
  });
});
