import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export type Tf = typeof tf;

let initialised: Promise<{ tf: Tf; backend: string }> | undefined;

/**
 * Picks the fastest TF.js backend this install has: the native one of `@tensorflow/tfjs-node` (an
 * optionalDependency whose install downloads libtensorflow, so it is absent offline), else WebAssembly.
 * Each thread (worker) has its own backend; calling again in the same thread returns the same one.
 */
export function initBackend(): Promise<{ tf: Tf; backend: string }> {
  initialised ??= selectBackend().catch((error: unknown) => {
    initialised = undefined;
    throw error;
  });
  return initialised;
}

async function selectBackend(): Promise<{ tf: Tf; backend: string }> {
  if (loadNativeBinding()) {
    await tf.setBackend('tensorflow');
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the wasm backend is loaded only when chosen
    const wasm: typeof import('@tensorflow/tfjs-backend-wasm') = require('@tensorflow/tfjs-backend-wasm');
    // In Node the wasm binaries are read from disk: point at the package's own copies.
    const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(path.join(packageDir, 'dist') + path.sep);
    if (!(await tf.setBackend('wasm'))) throw new Error('the TF.js wasm backend failed to initialise');
  }
  await tf.ready();
  return { tf, backend: tf.getBackend() };
}

function loadNativeBinding(): boolean {
  const nativePackage = '@tensorflow/tfjs-node';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a probe: is the optional native binding installed and loadable?
    require(nativePackage);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return false;
    // Installed but broken (e.g. libtensorflow missing): wasm still works, so fall back rather than fail.
    process.emitWarning(`@tensorflow/tfjs-node is installed but failed to load, using wasm: ${(error as Error).message}`);
    return false;
  }
}
