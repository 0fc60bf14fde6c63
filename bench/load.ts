import os from 'node:os';
import path from 'node:path';
import { existingDir, existingFile, numberOption, runCli } from '../scripts/support/cli';
import { classifyScenarios } from './load/classifyScenarios';
import { discoverSample, METADATA_SCENARIOS, metadataScenarios, type Sample } from './load/metadataScenarios';
import { runScenario, scenarioReport, type Scenario } from './support/autocannonRun';
import { startGatewayProcess } from './support/gatewayProcess';

const USAGE = `usage: npm run bench:load -- [options]

autocannon against a gateway process started on loopback (dist/src/main.js), one bounded run per
scenario: requests/s, p50/p99 latency, error rate. Gateway variables (DATA_DIR, STORE, ...) apply.

  --duration <s>     seconds per scenario (default BENCH_DURATION, else 10)
  --only <text>      run the scenarios whose name contains this (default BENCH_ONLY)
  --model <dir>      model for the classify scenarios (default BENCH_MODEL_DIR, else
                     ../shared/models/mobilenet_v1_0.25_224; skipped with a notice when absent)
  --photo <file>     photo they upload (default BENCH_PHOTO, else ../shared/data/photos/chelsea.png)
  -h, --help         this text`;

/**
 * `npm run bench:load`: autocannon against a gateway process this script starts on loopback (the
 * built dist/src/main.js), one bounded run per scenario; prints requests/s, p50/p99 latency and
 * the error rate.
 *
 * Options: see USAGE.
 *
 * A scenario is a plain object: add one to `scenarios()` (a classify scenario only needs a
 * multipart body and its content-type header in `requests`). A scenario with `gatewayEnv` gets a
 * gateway of its own started with those variables (e.g. a small INFERENCE_QUEUE_LIMIT).
 *
 * Answers are sorted by what they say: `ok`, `OVERLOADED` (the gateway refusing work at once, which
 * is the intended answer past saturation), other GraphQL errors, non-2xx, and transport errors and
 * timeouts (which are never intended). `error %` counts everything but `ok` and `OVERLOADED`.
 */

/**
 * `npm run bench:load`: autocannon against a gateway process this script starts on loopback (the
 * built dist/src/main.js), one bounded run per scenario; prints requests/s, p50/p99 latency and
 * the error rate.
 *
 * Options: see USAGE.
 *
 * A scenario is a plain object: add one to `metadataScenarios()` (bench/load/metadataScenarios.ts) or `classifyScenarios()` (a classify scenario only needs a
 * multipart body and its content-type header in `requests`). A scenario with `gatewayEnv` gets a
 * gateway of its own started with those variables (e.g. a small INFERENCE_QUEUE_LIMIT).
 *
 * Answers are sorted by what they say: `ok`, `OVERLOADED` (the gateway refusing work at once, which
 * is the intended answer past saturation), other GraphQL errors, non-2xx, and transport errors and
 * timeouts (which are never intended). `error %` counts everything but `ok` and `OVERLOADED`.
 */

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');

/** Runs `scenarios` against one gateway started with `env`, then stops it. */
async function runOnGateway(
  env: Record<string, string>,
  chosen: (sample: Sample | undefined) => Scenario[],
  needsSample: boolean,
  rows: Record<string, string | number>[],
): Promise<void> {
  const gateway = await startGatewayProcess(env);
  const { url, origin, pid } = gateway;
  try {
    const sample = needsSample ? await discoverSample(url) : undefined;
    for (const scenario of chosen(sample)) {
      console.log(
        `gateway ${url} (pid ${pid}), load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}: ${scenario.name}`,
      );
      rows.push(scenarioReport(scenario.name, await runScenario(origin, scenario)));
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
  } finally {
    await gateway.stop();
  }
}

const spec = {
  usage: USAGE,
  options: {
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '10' },
    only: { type: 'string', default: process.env.BENCH_ONLY ?? '' },
    model: { type: 'string' },
    photo: { type: 'string' },
  },
} as const;

runCli(spec, async ({ values }) => {
  const durationSeconds = numberOption('--duration', values.duration, { min: 1 })!;
  const only = (name: string) => !values.only || name.includes(values.only);
  // Named explicitly, they must exist; the defaults may be absent (the scenarios are then skipped).
  const modelDir = path.resolve(values.model ? existingDir('--model', values.model) : (process.env.BENCH_MODEL_DIR ?? path.join(SHARED, 'models', 'mobilenet_v1_0.25_224')));
  const photo = path.resolve(values.photo ? existingFile('--photo', values.photo) : (process.env.BENCH_PHOTO ?? path.join(SHARED, 'data', 'photos', 'chelsea.png')));
  console.log(`${durationSeconds} s per scenario, node ${process.version}, ${os.availableParallelism()} cores`);
  const rows: Record<string, string | number>[] = [];
  if (METADATA_SCENARIOS.some(only)) {
    await runOnGateway({}, (sample) => metadataScenarios(sample!, durationSeconds).filter((s) => only(s.name)), true, rows);
  }
  // Scenarios with gateway variables of their own each get their own gateway.
  for (const scenario of classifyScenarios(durationSeconds, modelDir, photo).filter((s) => only(s.name))) {
    await runOnGateway(scenario.gatewayEnv ?? {}, () => [scenario], false, rows);
  }
  console.table(rows);
});
