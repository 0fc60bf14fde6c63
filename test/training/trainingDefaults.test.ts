import fs from 'node:fs';
import path from 'node:path';
import { trainOptionsFor } from '../../src/training/trainingRequest';
import { TRAINING_DEFAULTS, withTrainingDefaults } from '../../src/training/trainingDefaults';
import { temporaryDir } from './support/images';

describe('training defaults (one home, applied once at the request)', () => {
  it('frozen features, refit on every labelled photo after the evaluation, unless the caller says otherwise', () => {
    expect(TRAINING_DEFAULTS).toMatchObject({ refitOnAllPhotos: true, hiddenUnits: 0, mirror: true });
    expect(withTrainingDefaults({})).toEqual(TRAINING_DEFAULTS);
    expect(withTrainingDefaults({ refitOnAllPhotos: null, epochs: undefined })).toEqual(TRAINING_DEFAULTS);
    expect(withTrainingDefaults({ refitOnAllPhotos: false, l2: 0.01 })).toEqual({ ...TRAINING_DEFAULTS, refitOnAllPhotos: false, l2: 0.01 });
  });

  it('a trainModel request gets every default, and keeps refitOnAllPhotos: false', async () => {
    const root = temporaryDir('train-defaults-');
    fs.mkdirSync(path.join(root, 'data', 'a'), { recursive: true });
    const settings = { dataRoot: root, modelsDir: path.join(root, 'models'), maxImagePixels: 1e6 };
    const defaults = await trainOptionsFor({ modelId: 'm', data: 'data' }, settings);
    expect(defaults).toMatchObject(TRAINING_DEFAULTS);
    expect(defaults.fineTuneFrom).toBeUndefined(); // the backbone stays frozen
    const evaluatedOnly = await trainOptionsFor({ modelId: 'm', data: 'data', refitOnAllPhotos: false, epochs: null }, settings);
    expect(evaluatedOnly).toMatchObject({ ...TRAINING_DEFAULTS, refitOnAllPhotos: false });
  });
});
