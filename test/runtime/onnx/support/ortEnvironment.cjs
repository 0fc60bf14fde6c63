'use strict';
const { TestEnvironment } = require('jest-environment-node');

/**
 * Jest's node environment with Node's own typed-array classes. onnxruntime-node's native binding creates
 * output arrays in Node's realm; onnxruntime-common, loaded in the test sandbox, checks them with
 * `instanceof Float32Array` against the sandbox's class and throws "A float32 tensor's data must be type
 * of Float32Array". Giving the sandbox the same classes makes both sides agree. Used by the suites that
 * run ONNX Runtime (`@jest-environment ./test/runtime/onnx/support/ortEnvironment.cjs`).
 */
class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['Float32Array', 'Float64Array', 'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array']) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = OrtEnvironment;
