import fs from 'node:fs';
import path from 'node:path';
import { embedFolder } from '../../src/embeddings/embedFolder';
import { initBackend } from '../../src/models/tfBackend';
import { VisionFake } from '../fakes/vision/VisionFake';
import { writeTinyModel } from '../models/support/tinyModel';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { testTempDir } from '../support/tempDirs';
import { writeTinyBackbone } from '../support/tinyBackbone';
import { writeColourFolders } from '../training/support/images';

const CAPABILITIES = `{ capabilities {
  classify { available reason }
  labelDetection { available reason }
  similarImages { available reason }
  training { available reason }
} }`;

const AVAILABLE = { available: true, reason: null };

async function capabilities(gw: RunningGateway) {
  const { status, body } = await gw.graphql(CAPABILITIES);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  return body.data.capabilities;
}

/** A reason names the variable an operator sets, never a server path. */
function expectReasonNaming(capability: { available: boolean; reason: string | null }, variable: string, root: string) {
  expect(capability.available).toBe(false);
  expect(capability.reason).toContain(variable);
  expect(capability.reason).not.toContain(root);
  expect(capability.reason).not.toMatch(/(^|\s)\/\w/);
}

describe('Query.capabilities: which optional features a gateway can serve', () => {
  const root = testTempDir('capabilities-');
  let model: string;
  beforeAll(async () => {
    model = await writeTinyModel(path.join(root, 'tiny-model'));
  });

  it('a development gateway with a model and nothing else configured: classify only, each other feature says what to set', async () => {
    const gw = await startGateway({ MODEL_DIR: model, MODELS_DIR: path.join(root, 'none'), INFERENCE_WORKERS: '1' });
    try {
      const answer = await capabilities(gw);
      expect(answer.classify).toEqual(AVAILABLE);
      expectReasonNaming(answer.labelDetection, 'VISION_API_ENDPOINT', root);
      expectReasonNaming(answer.labelDetection, 'GOOGLE_APPLICATION_CREDENTIALS', root);
      expectReasonNaming(answer.similarImages, 'EMBEDDINGS', root);
      expectReasonNaming(answer.training, 'TRAINING_DATA_ROOT', root);
    } finally {
      await gw.close();
    }
  });

  it('with Vision, EMBEDDINGS and TRAINING_DATA_ROOT: everything, also when this replica only queues training (TRAINING_WORKER=false)', async () => {
    const images = path.join(root, 'images');
    const embeddings = path.join(root, 'embeddings.parquet');
    await writeColourFolders(images, 2);
    const backbone = await writeTinyBackbone((await initBackend()).tf, path.join(root, 'backbone'));
    await embedFolder({ images, out: embeddings, backbone: { kind: 'folder', dir: backbone }, threads: 1, batchSize: 8, maxImagePixels: 1e8, seed: 1 });
    const vision = await VisionFake.start();
    const gw = await startGateway({
      MODEL_DIR: model,
      MODELS_DIR: path.join(root, 'models'),
      INFERENCE_WORKERS: '1',
      VISION_API_ENDPOINT: vision.endpoint,
      EMBEDDINGS: embeddings,
      TRAINING_DATA_ROOT: images,
      TRAINING_WORKER: 'false',
    });
    try {
      expect(await capabilities(gw)).toEqual({ classify: AVAILABLE, labelDetection: AVAILABLE, similarImages: AVAILABLE, training: AVAILABLE });
    } finally {
      await gw.close();
      await vision.stop();
    }
  });

  it('says so when no model is served, the EMBEDDINGS file cannot be read, or TRAINING_DATA_ROOT went away', async () => {
    const broken = path.join(root, 'broken.parquet');
    fs.writeFileSync(broken, 'not parquet');
    const data = path.join(root, 'training-data');
    fs.mkdirSync(data);
    const gw = await startGateway({ MODELS_DIR: path.join(root, 'none'), INFERENCE_WORKERS: '1', EMBEDDINGS: broken, TRAINING_DATA_ROOT: data });
    try {
      await gw.gateway.services.embeddings!.ready.catch(() => undefined);
      fs.rmSync(data, { recursive: true });
      const answer = await capabilities(gw);
      expectReasonNaming(answer.classify, 'MODEL_DIR', root);
      expectReasonNaming(answer.similarImages, 'EMBEDDINGS', root);
      expect(answer.similarImages.reason).toMatch(/cannot be searched/);
      expectReasonNaming(answer.training, 'TRAINING_DATA_ROOT', root);
    } finally {
      await gw.close();
    }
  });

  it('needs the `read` scope', async () => {
    const gw = await startGateway({ MODELS_DIR: path.join(root, 'none'), ANONYMOUS_SCOPES: 'classify' });
    try {
      const { body } = await gw.graphql(CAPABILITIES);
      expect(body.data).toBeNull();
      expect(body.errors[0].extensions.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
    } finally {
      await gw.close();
    }
  });
});
