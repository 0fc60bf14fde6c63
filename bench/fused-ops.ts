import path from 'node:path';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { shippedModelDir } from '../src/paths';
import { LoadedModel } from '../src/models/loadedModel';
import { initBackend } from '../src/models/tfBackend';
import { CliFailure, existingDir, numberOption, runCli } from '../scripts/support/cli';
import { fusedForward } from '../src/models/fusedLayers';
import { threadCpuSeconds } from './support/threadCpu';

const USAGE = `Usage: npm run bench:fused-ops -- [--model <dir>] [--calls N]

Does the fused form of the network (what a graph model from tensorflowjs_converter runs: FusedConv2D and
FusedDepthwiseConv2dNative with bias and relu6 folded in) run MobileNet V2 faster on the wasm backend than
the layers model's predict? Runs the same weights two ways in this thread, taking turns, one image per
call: (1) tfjs-layers' model.predict, (2) src/models/fusedLayers.ts (tf.fused.conv2d /
tf.fused.depthwiseConv2d / tf.fused.matMul, what the gateway's workers run), and reports CPU-ms per image
of this thread (robust to other load on the machine) and the largest score difference.
  --model   a layers model folder with this topology (default: default-model/)
  --calls   timed calls per form (default 20)`;

runCli({ usage: USAGE, options: { model: { type: 'string' }, calls: { type: 'string' } } }, async ({ values }) => {
  const dir = existingDir('--model', values.model ?? shippedModelDir());
  const calls = numberOption('--calls', values.calls, { min: 1, max: 1000, integer: true }) ?? 20;
  const { tf, backend } = await initBackend();
  const model = await LoadedModel.load(tf, dir);
  const layersModel = (model as unknown as { model: import('@tensorflow/tfjs').LayersModel }).model;
  const forward = fusedForward(tf, layersModel);
  if (!forward) throw new CliFailure(`${dir}: its layers are not all ones the fused path handles (see src/models/fusedLayers.ts)`);
  const image = tf.randomUniform([1, 224, 224, 3], -1, 1) as Tensor4D;
  const layersCall = () => tf.tidy(() => (layersModel.predict(image) as Tensor).dataSync());
  const fusedCall = () => tf.tidy(() => forward(image).dataSync());
  const a = layersCall();
  const b = fusedCall();
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
  for (let i = 0; i < 2; i++) {
    layersCall();
    fusedCall();
  }
  const cpu = { layers: 0, fused: 0 };
  const wall = { layers: 0, fused: 0 };
  for (let i = 0; i < calls; i++) {
    for (const [name, call] of i % 2 === 0
      ? ([
          ['layers', layersCall],
          ['fused', fusedCall],
        ] as const)
      : ([
          ['fused', fusedCall],
          ['layers', layersCall],
        ] as const)) {
      const cpu0 = threadCpuSeconds() ?? 0;
      const wall0 = performance.now();
      call();
      wall[name] += performance.now() - wall0;
      cpu[name] += (threadCpuSeconds() ?? 0) - cpu0;
    }
  }
  const ms = (seconds: number) => ((1000 * seconds) / calls).toFixed(1);
  console.log(`${path.basename(dir)} on ${backend}, ${calls} calls each, batch 1, taking turns:`);
  console.log(`  layers model predict: ${ms(cpu.layers)} CPU-ms/image (${(wall.layers / calls).toFixed(1)} ms wall)`);
  console.log(`  fused ops           : ${ms(cpu.fused)} CPU-ms/image (${(wall.fused / calls).toFixed(1)} ms wall)`);
  console.log(`  fused / layers = ${(cpu.fused / cpu.layers).toFixed(3)} in CPU time; largest score difference ${maxDiff.toExponential(2)}`);
});
