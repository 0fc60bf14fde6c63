import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { VisionFake } from '../fakes/vision/VisionFake';
import { postMultipart } from '../support/multipart';
import { hasSharedData, hasSharedModels, MODELS_DIR, noticeSkipped, OPEN_IMAGES_DIR, PHOTOS_DIR } from '../support/sharedData';
import { startGateway, type RunningGateway } from '../support/startGateway';

const CLASSIFY = `mutation($files: [Upload!]!, $model: ID, $min: Float, $max: Int) {
  classify(files: $files, model: $model, minConfidence: $min, maxResults: $max) {
    filename mimetype bytes error { code message } labels { name score mid class { label description } }
  }
}`;

const photo = (name: string) => fs.readFileSync(path.join(PHOTOS_DIR, name));
const notAnImage = { filename: 'notes.txt', bytes: Buffer.from('this is not an image'), type: 'text/plain' };

describe('classify with a local TensorFlow.js model', () => {
  if (!hasSharedModels) {
    noticeSkipped('classify on the real ImageNet MobileNet and photos');
    it.skip('needs ../shared/models', () => undefined);
    return;
  }
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({
      MODEL_DIR: path.join(MODELS_DIR, 'mobilenet_v1_0.25_224'),
      MODELS_DIR: path.join(__dirname, 'no-such-folder'),
      DATA_DIR: hasSharedData ? OPEN_IMAGES_DIR : undefined,
      INFERENCE_WORKERS: '1',
      MAX_UPLOAD_BYTES: String(300 * 1024),
    });
  });
  afterAll(() => gw?.close());

  it('lists the model with its labels', async () => {
    const { body } = await gw.graphql('{ models { id labels inputSize backend } }');
    expect(body.data.models).toHaveLength(1);
    expect(body.data.models[0]).toMatchObject({ id: 'mobilenet_v1_0.25_224', inputSize: 224, backend: 'onnxruntime-cpu' }); // converted from the TF.js folder, served natively
    expect(body.data.models[0].labels).toHaveLength(1000);
  });

  it('labels each file in order, links labels to Open Images classes, and isolates a broken file', async () => {
    const { status, body } = await postMultipart(gw.url, CLASSIFY, [
      { filename: 'chelsea.png', bytes: photo('chelsea.png'), type: 'image/png' },
      notAnImage,
      { filename: 'rocket.jpg', bytes: photo('rocket.jpg'), type: 'image/jpeg' },
    ]);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const [cat, broken, rocket] = body.data.classify;
    expect(cat).toMatchObject({ filename: 'chelsea.png', mimetype: 'image/png', bytes: photo('chelsea.png').length, error: null });
    expect(cat.labels.slice(0, 3).some((l: any) => /cat/i.test(l.name))).toBe(true);
    expect(cat.labels.some((l: any) => l.class?.description === 'Cat' && l.class.label === '/m/01yrx')).toBe(true);
    const scores = cat.labels.map((l: any) => l.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(broken).toMatchObject({ filename: 'notes.txt', labels: [], error: { code: 'UNSUPPORTED_IMAGE' } });
    expect(rocket.error).toBeNull();
    expect(rocket.labels.length).toBeGreaterThan(0);
  });

  it('applies minConfidence and maxResults', async () => {
    const { body } = await postMultipart(gw.url, CLASSIFY, [{ filename: 'coffee.png', bytes: photo('coffee.png') }], {
      variables: { min: 0.01, max: 2 },
    });
    const labels = body.data.classify[0].labels;
    expect(labels.length).toBeLessThanOrEqual(2);
    expect(labels.every((l: any) => l.score >= 0.01)).toBe(true);
  });

  it('a file over MAX_UPLOAD_BYTES gets FILE_TOO_LARGE while the others are labelled', async () => {
    const big = photo('astronaut.png'); // ~790 kB, over the 300 kB limit of this gateway
    const { body } = await postMultipart(gw.url, CLASSIFY, [
      { filename: 'astronaut.png', bytes: big },
      { filename: 'chelsea.png', bytes: photo('chelsea.png') },
    ]);
    expect(body.data.classify[0]).toMatchObject({ filename: 'astronaut.png', labels: [], error: { code: 'FILE_TOO_LARGE' } });
    expect(body.data.classify[1].error).toBeNull();
    expect(body.data.classify[1].labels.length).toBeGreaterThan(0);
  });

  it('exposes request, store and inference metrics at /metrics', async () => {
    await gw.graphql('query CatClass { class(description: "Cat") { images(first: 1) { edges { node { id } } } } }');
    const text = await (await fetch(gw.url.replace(/\/graphql$/, '/metrics'))).text();
    for (const series of [
      'gateway_graphql_requests_total{operation="CatClass",status="ok"}',
      'gateway_graphql_request_duration_seconds_bucket{le="0.005",operation="CatClass"}',
      'gateway_backend_queries_total{backend="duckdb"}',
      'gateway_backend_query_duration_seconds_count{backend="duckdb"}',
      'gateway_inference_batch_size_count{model="mobilenet_v1_0.25_224",runtime="ONNX"}',
      'gateway_inference_queue_depth',
      'gateway_inference_workers 1',
    ]) {
      expect(text).toContain(series);
    }
  });

  it('an unknown model id is MODEL_NOT_FOUND; bad arguments are BAD_USER_INPUT', async () => {
    const unknown = await postMultipart(gw.url, CLASSIFY, [{ filename: 'chelsea.png', bytes: photo('chelsea.png') }], { variables: { model: 'nope' } });
    expect(unknown.body.errors[0].extensions.code).toBe('MODEL_NOT_FOUND');
    const bad = await postMultipart(gw.url, CLASSIFY, [{ filename: 'chelsea.png', bytes: photo('chelsea.png') }], { variables: { min: 2 } });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a request with large uploads and a bad argument before reading them, and the gateway serves on', async () => {
    // Far more than socket buffers hold: the refused request's uploads are drained, not buffered.
    const large = Array.from({ length: 3 }, (_, i) => ({ filename: `big-${i}.jpg`, bytes: Buffer.alloc(2 * 1024 * 1024, i + 1) }));
    const bad = await postMultipart(gw.url, CLASSIFY, large, { variables: { max: 0 } });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const next = await postMultipart(gw.url, CLASSIFY, [{ filename: 'chelsea.png', bytes: photo('chelsea.png') }]);
    expect(next.body.errors).toBeUndefined();
    expect(next.body.data.classify[0].labels.length).toBeGreaterThan(0);
  });
});

describe('classify with no configuration: the shipped default model', () => {
  let gw: RunningGateway;
  let root: string;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'classify-shipped-'));
    fs.mkdirSync(path.join(root, 'broken'));
    fs.writeFileSync(path.join(root, 'broken', 'model.json'), '{"modelTopology": {}, "weightsManifest": []}');
    fs.writeFileSync(path.join(root, 'broken', 'labels.txt'), 'a\nb\n');
    gw = await startGateway({ DEFAULT_MODEL: undefined, MODEL_DIR: undefined, MODELS_DIR: root, INFERENCE_WORKERS: '1' });
  });
  afterAll(async () => {
    await gw?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves mobilenet_v2_1.0_224 as the default, and lists a model that failed to load with its error', async () => {
    const { body } = await gw.graphql('{ models { id status error isDefault inputSize labels } }');
    const models = body.data.models.map((m: any) => ({ ...m, labels: m.labels.length }));
    expect(models).toEqual([
      { id: 'broken', status: 'FAILED', error: expect.stringMatching(/could not be loaded/), isDefault: false, inputSize: 0, labels: 0 },
      { id: 'mobilenet_v2_1.0_224', status: 'READY', error: null, isDefault: true, inputSize: 224, labels: 1000 },
    ]);
    const upload = fs.existsSync(path.join(PHOTOS_DIR, 'coffee.png'))
      ? { filename: 'coffee.png', bytes: photo('coffee.png') }
      : {
          filename: 'grey.png',
          bytes: await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } })
            .png()
            .toBuffer(),
        };
    const result = await postMultipart(gw.url, CLASSIFY, [upload], { variables: { max: 3, min: 0 } });
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data.classify[0].labels).toHaveLength(3);
    if (upload.filename === 'coffee.png') expect(result.body.data.classify[0].labels[0].name).toBe('espresso');
  });
});

describe('classify with no model served (DEFAULT_MODEL=none, empty MODELS_DIR)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ DEFAULT_MODEL: 'none', MODEL_DIR: undefined, MODELS_DIR: path.join(__dirname, 'no-such-folder') });
  });
  afterAll(() => gw?.close());

  it('answers MODEL_UNAVAILABLE with how to install one, and the rest of the gateway still serves', async () => {
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const { body } = await postMultipart(gw.url, CLASSIFY, [{ filename: 'grey.png', bytes: png }]);
    expect(body.errors[0].extensions.code).toBe('MODEL_UNAVAILABLE');
    expect(body.errors[0].message).toMatch(/default-model.*DEFAULT_MODEL=none.*MODEL_DIR/);
    const models = await gw.graphql('{ models { id } relationTypes { name } }');
    expect(models.body.data.models).toEqual([]);
    expect(models.body.data.relationTypes.length).toBeGreaterThan(0);
  });
});

describe('labelDetection with the Cloud Vision API (loopback gRPC fake)', () => {
  let vision: VisionFake;
  let gw: RunningGateway;
  beforeAll(async () => {
    vision = await VisionFake.start();
    gw = await startGateway({ VISION_API_ENDPOINT: vision.endpoint, MAX_UPLOAD_FILES: '32', MODELS_DIR: path.join(__dirname, 'no-such-folder') });
  });
  afterAll(async () => {
    await gw?.close();
    await vision?.stop();
  });

  it('labels 20 files in 2 calls, in order, linking mids to classes, with per-image errors', async () => {
    const images = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sharp({ create: { width: 8 + i, height: 8, channels: 3, background: '#ff0000' } })
          .png()
          .toBuffer(),
      ),
    );
    vision.answerFor(images[0], {
      labels: [
        { mid: '/m/01yrx', description: 'Cat', score: 0.97 },
        { mid: '/m/0jbk', description: 'Animal', score: 0.9 },
      ],
    });
    vision.answerFor(images[5], { error: { code: 3, message: 'Bad image data.' } });
    const callsBefore = vision.calls.length;
    const { body } = await postMultipart(
      gw.url,
      `mutation($files: [Upload!]!) { labelDetection(files: $files, maxResults: 5) { filename error { code message } labels { name score mid class { description } } } }`,
      images.map((bytes, i) => ({ filename: `img${i}.png`, bytes, type: 'image/png' })),
    );
    expect(body.errors).toBeUndefined();
    const results = body.data.labelDetection;
    expect(results.map((r: any) => r.filename)).toEqual(images.map((_, i) => `img${i}.png`));
    expect(results[0].labels[0]).toEqual({ name: 'Cat', score: expect.closeTo(0.97, 5), mid: '/m/01yrx', class: { description: 'Cat' } });
    expect(results[5]).toMatchObject({ labels: [], error: { code: 'VISION_ERROR' } });
    expect(results[1].labels.length).toBeGreaterThan(0);
    const calls = vision.calls.slice(callsBefore);
    expect(calls.map((c) => c.images).sort((a, b) => a - b)).toEqual([4, 16]);
    expect(calls.every((c) => c.features.every((f) => f.maxResults === 5))).toBe(true);
  });
});

describe('labelDetection without credentials', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    // No endpoint and no Application Default Credentials in this environment.
    gw = await startGateway({ VISION_API_ENDPOINT: undefined, MODELS_DIR: path.join(__dirname, 'no-such-folder') });
  });
  afterAll(() => gw?.close());

  it('answers VISION_UNAVAILABLE, and the process keeps serving', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00ff00' } })
      .png()
      .toBuffer();
    const saved = { creds: process.env.GOOGLE_APPLICATION_CREDENTIALS };
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    try {
      const { body } = await postMultipart(gw.url, `mutation($files: [Upload!]!) { labelDetection(files: $files) { filename } }`, [{ filename: 'g.png', bytes: png }]);
      expect(body.errors[0].extensions.code).toBe('VISION_UNAVAILABLE');
    } finally {
      if (saved.creds !== undefined) process.env.GOOGLE_APPLICATION_CREDENTIALS = saved.creds;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { body } = await gw.graphql('{ relationTypes { name } }');
    expect(body.data.relationTypes.length).toBeGreaterThan(0);
  });
});
