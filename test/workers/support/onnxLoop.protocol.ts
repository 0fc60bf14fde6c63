/** The test worker that keeps an ONNX Runtime session busy, to be closed while a run is in flight. */
export interface OnnxLoopProtocol {
  data: { model: Uint8Array; size: number; batch: number };
  ready: undefined;
  methods: {
    /** Runs the model again and again until the channel closes; answers how many runs finished. */
    spin: { payload: undefined; result: number };
  };
  events: { runs: number };
}
