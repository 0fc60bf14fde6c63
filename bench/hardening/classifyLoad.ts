import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { UsageError } from '../../scripts/support/cli';
import { post, withGateway, worstLatencyWhile, type Result } from '../support/hardeningHarness';

/** Cases 7-8: huge-canvas uploads beside metadata queries, and the OVERLOADED refusal. */
async function tinyModel(dir: string, shared: string): Promise<string> {
  // The same tiny layers model the tests write (test/models/support/tinyModel.ts), built from dist.
  const support = path.join(__dirname, '..', '..', 'test', 'models', 'support', 'tinyModel.js');
  if (fs.existsSync(support)) return (await import(support)).writeTinyModel(dir);
  const sharedModel = path.join(shared, 'models', 'mobilenet_v1_0.25_224');
  if (!fs.existsSync(sharedModel)) throw new UsageError('no model for case 7/8: build the tests (tsc) or provide ../shared/models');
  return sharedModel;
}

async function classifyRequest(url: string, files: Buffer[], type = 'image/png') {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({
      query: 'mutation($files: [Upload!]!) { classify(files: $files, maxResults: 1) { error { code } labels { name } } }',
      variables: { files: files.map(() => null) },
    }),
  );
  form.append('map', JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.files.${i}`]]))));
  files.forEach((bytes, i) => form.append(String(i), new Blob([new Uint8Array(bytes)], { type }), `f${i}.png`));
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', body: form, headers: { 'apollo-require-preflight': 'true' } });
  const text = await response.text();
  return { status: response.status, ms: Math.round(performance.now() - started), retryAfter: response.headers.get('retry-after'), code: /"code":"([A-Z_]+)"/.exec(text)?.[1] };
}

export async function case7(images: number, root: string, shared: string, extraEnv: Record<string, string> = {}): Promise<Result> {
  const modelDir = await tinyModel(path.join(root, 'tiny'), shared);
  const png = await sharp({ create: { width: 6300, height: 6300, channels: 3, background: '#ff0000' } })
    .png({ palette: true, colours: 2, compressionLevel: 9 })
    .toBuffer();
  return withGateway({ MODEL_DIR: modelDir, MODELS_DIR: path.join(root, 'none'), ...extraEnv }, async (gw) => {
    const metadataQuery = () => post(gw.url, { query: '{ classes(first: 5) { totalCount edges { node { label imageCount } } } }' });
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) idle.push((await metadataQuery()).ms);
    const requests = Math.ceil(images / 16);
    const started = performance.now();
    const all = Promise.all(Array.from({ length: requests }, (_, i) => classifyRequest(gw.url, Array(Math.min(16, images - 16 * i)).fill(png))));
    const worst = await worstLatencyWhile(all, metadataQuery, 250);
    const results = await all;
    return {
      images,
      pngBytes: png.length,
      classifySeconds: Math.round((performance.now() - started) / 100) / 10,
      statuses: [...new Set(results.map((r) => r.status))],
      worstMetadataIdleMs: Math.max(...idle),
      worstMetadataMs: worst,
    };
  });
}

export async function case8(root: string, shared: string): Promise<Result> {
  const modelDir = await tinyModel(path.join(root, 'tiny8'), shared);
  const png = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#00ff00' } })
    .png()
    .toBuffer();
  return withGateway({ MODEL_DIR: modelDir, MODELS_DIR: path.join(root, 'none'), INFERENCE_QUEUE_LIMIT: '16', INFERENCE_WORKERS: '1' }, async (gw) => {
    const results = await Promise.all(Array.from({ length: 4 }, () => classifyRequest(gw.url, Array(16).fill(png))));
    const refused = results.find((r) => r.code === 'OVERLOADED');
    return { overloaded: refused ? { status: refused.status, retryAfter: refused.retryAfter } : 'none refused', statuses: results.map((r) => r.status) };
  });
}
