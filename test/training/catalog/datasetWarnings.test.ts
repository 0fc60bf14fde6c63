import { datasetWarnings, duplicateGroups } from '../../../src/training/catalog/datasetWarnings';

describe('dataset warnings', () => {
  it('warn from 10 photos down and past 3 times the smallest label, not at the bounds', () => {
    expect(
      datasetWarnings(
        [
          { label: 'a', photoCount: 10 },
          { label: 'b', photoCount: 30 },
        ],
        [],
      ),
    ).toEqual([]);
    const warnings = datasetWarnings(
      [
        { label: 'a', photoCount: 9 },
        { label: 'b', photoCount: 28 },
      ],
      [],
    );
    expect(warnings.map((warning) => [warning.code, warning.labels])).toEqual([
      ['FEW_PHOTOS', ['a']],
      ['UNBALANCED', ['b', 'a']],
    ]);
  });

  it('groups identical content across paths and names every label involved', () => {
    const groups = duplicateGroups([
      { path: 'x/b.jpg', hash: 'h1', labels: ['x'] },
      { path: 'y/a.jpg', hash: 'h1', labels: ['y'] },
      { path: 'y/c.jpg', hash: 'h2', labels: ['y'] },
      { path: 'z/c.jpg', hash: 'h3', labels: ['z'] },
      { path: 'z/d.jpg', hash: 'h3', labels: ['z'] },
    ]);
    expect(groups).toEqual([
      { paths: ['x/b.jpg', 'y/a.jpg'], labels: ['x', 'y'] },
      { paths: ['z/c.jpg', 'z/d.jpg'], labels: ['z'] },
    ]);
    const [duplicates] = datasetWarnings([], groups);
    expect(duplicates).toMatchObject({ code: 'DUPLICATES', labels: ['x', 'y', 'z'], message: expect.stringMatching(/^2 groups of identical photos \(4 files/) });
  });
});
