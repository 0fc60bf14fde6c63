import * as ort from 'onnxruntime-node';
import { serveWorker } from '../../../src/workers/serveWorker';
import type { OnnxLoopProtocol } from './onnxLoop.protocol';

serveWorker<OnnxLoopProtocol>(async ({ model, size, batch }, emit, closing) => {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const input = new ort.Tensor('float32', new Float32Array(batch * size * size * 3).fill(0.5), [batch, size, size, 3]);
  return {
    ready: undefined,
    handlers: {
      async spin() {
        let runs = 0;
        while (!closing.aborted) {
          await session.run({ [session.inputNames[0]]: input });
          emit({ runs: ++runs });
        }
        return runs;
      },
    },
  };
});
