import fs from 'node:fs';
import path from 'node:path';
import { assignSplits } from '../../src/training/dataset/assignSplits';
import { parseCsv } from '../../src/training/dataset/parseCsv';
import { readAutoMlCsv } from '../../src/training/dataset/readAutoMlCsv';
import { readFolderDataset } from '../../src/training/dataset/readFolderDataset';
import { datasetOf } from '../../src/training/dataset/types';
import { parseRemoteSources } from '../../src/training/sources/remoteSources';
import { temporaryDir } from './support/images';

describe('training data', () => {
  const root = temporaryDir('dataset-');
  const touch = (relative: string) => {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), 'x');
  };

  it('parses RFC 4180 CSV: quotes, commas and doubled quotes inside fields, CRLF, blank lines', () => {
    expect(parseCsv('a,"b,c","say ""hi"""\r\n\r\nd,,e\n')).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['d', '', 'e'],
    ]);
  });

  it('reads one folder per class, the folder name being the label', async () => {
    touch('folders/daisy/1.jpg');
    touch('folders/daisy/nested/2.png');
    touch('folders/rose/3.jpeg');
    touch('folders/loose.jpg');
    touch('folders/rose/notes.txt');
    const dataset = await readFolderDataset(path.join(root, 'folders'));
    expect(dataset.labels).toEqual(['daisy', 'rose']);
    expect(dataset.multiLabel).toBe(false);
    expect(dataset.items.map((i) => [path.relative(root, i.source), i.labels])).toEqual([
      ['folders/daisy/1.jpg', ['daisy']],
      ['folders/daisy/nested/2.png', ['daisy']],
      ['folders/rose/3.jpeg', ['rose']],
    ]);
  });

  it('reads the AutoML Vision CSV: splits in any case, empty split, no split column, URIs, multi-label rows', async () => {
    const csv = path.join(root, 'csv', 'data.csv');
    fs.mkdirSync(path.dirname(csv), { recursive: true });
    fs.writeFileSync(
      csv,
      [
        'TRAIN,images/a.jpg,cat',
        'training,images/b.jpg,dog,cat',
        'VALIDATION,gs://bucket/c.jpg,dog',
        'test,https://example.test/d.jpg,cat',
        ',images/e.jpg,dog',
        'images/f.jpg,cat',
        'UNASSIGNED,images/g.jpg,dog',
        'TRAIN,images/unlabelled.jpg,',
        'TRAIN,images/a.jpg,pet',
      ].join('\n'),
    );
    const dataset = await readAutoMlCsv(csv, { remote: parseRemoteSources('gs://bucket, example.test') });
    expect(dataset.labels).toEqual(['cat', 'dog', 'pet']);
    expect(dataset.multiLabel).toBe(true);
    const bySource = Object.fromEntries(dataset.items.map((i) => [i.source.replace(path.dirname(csv) + path.sep, ''), { split: i.split, labels: i.labels }]));
    expect(bySource).toEqual({
      'images/a.jpg': { split: 'TRAIN', labels: ['cat', 'pet'] },
      'images/b.jpg': { split: 'TRAIN', labels: ['dog', 'cat'] },
      'gs://bucket/c.jpg': { split: 'VALIDATION', labels: ['dog'] },
      'https://example.test/d.jpg': { split: 'TEST', labels: ['cat'] },
      'images/e.jpg': { split: undefined, labels: ['dog'] },
      'images/f.jpg': { split: undefined, labels: ['cat'] },
      'images/g.jpg': { split: undefined, labels: ['dog'] },
    });
  });

  it('refuses local CSV paths that leave the data root, through .. or a symbolic link, and unknown schemes', async () => {
    const inside = path.join(root, 'rooted');
    fs.mkdirSync(inside, { recursive: true });
    fs.symlinkSync('/etc', path.join(inside, 'link'));
    const write = (line: string) => {
      fs.writeFileSync(path.join(inside, 'data.csv'), `${line}\nTRAIN,ok.jpg,b\n`);
      return readAutoMlCsv(path.join(inside, 'data.csv'), { localRoot: inside });
    };
    await expect(write('TRAIN,../outside.jpg,a')).rejects.toThrow(/outside the training data root/);
    await expect(write('TRAIN,link/hostname,a')).rejects.toThrow(/outside the training data root/);
    await expect(write('TRAIN,/etc/hostname,a')).rejects.toThrow(/outside the training data root/);
    await expect(write('TRAIN,ftp://host/x.jpg,a')).rejects.toThrow(/unsupported scheme/);
    await expect(write('TRAIN,https://example.test/x.jpg,a')).rejects.toThrow(/TRAINING_REMOTE_SOURCES/);
    await expect(write('TRAIN,inside.jpg,a')).resolves.toMatchObject({ labels: ['a', 'b'] });
  });

  it('assigns missing splits 80/10/10 per label, reproducibly, keeping given splits', () => {
    const items = [
      ...Array.from({ length: 20 }, (_, i) => ({ source: `/a/${i}.jpg`, labels: ['a'] })),
      ...Array.from({ length: 10 }, (_, i) => ({ source: `/b/${i}.jpg`, labels: ['b'] })),
      { source: '/b/fixed.jpg', labels: ['b'], split: 'TEST' as const },
    ];
    const dataset = datasetOf(items);
    const first = assignSplits(dataset, { validation: 0.1, test: 0.1 }, 7);
    const count = (label: string, split: string) => first.items.filter((i) => i.labels[0] === label && i.split === split).length;
    expect([count('a', 'TRAIN'), count('a', 'VALIDATION'), count('a', 'TEST')]).toEqual([16, 2, 2]);
    expect([count('b', 'TRAIN'), count('b', 'VALIDATION'), count('b', 'TEST')]).toEqual([8, 1, 2]);
    expect(first.items.find((i) => i.source === '/b/fixed.jpg')!.split).toBe('TEST');
    expect(assignSplits(dataset, { validation: 0.1, test: 0.1 }, 7)).toEqual(first);
    expect(assignSplits(dataset, { validation: 0.1, test: 0.1 }, 8).items.map((i) => i.split)).not.toEqual(first.items.map((i) => i.split));
  });

  it('keeps a TRAIN and a TEST image in tiny groups, and refuses fractions that leave nothing to train on', () => {
    const tiny = assignSplits(
      datasetOf([
        { source: '/1', labels: ['a'] },
        { source: '/2', labels: ['a'] },
        { source: '/3', labels: ['b'] },
      ]),
      { validation: 0.1, test: 0.1 },
      1,
    );
    expect(tiny.items.map((i) => i.split).sort()).toEqual(['TEST', 'TRAIN', 'TRAIN']);
    expect(() => assignSplits(tiny, { validation: 0.5, test: 0.5 }, 1)).toThrow(/less than 1/);
    expect(() => datasetOf([{ source: '/1', labels: ['a'] }])).toThrow(/at least two labels/);
  });
});
