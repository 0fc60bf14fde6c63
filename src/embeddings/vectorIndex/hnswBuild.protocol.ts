/** The thread that builds an HNSW index file (hnswBuild.worker.ts): one `build` call, progress events on the way. */
export interface HnswBuildJob {
  /** rows × dim unit vectors. */
  matrix: SharedArrayBuffer;
  rows: number;
  dim: number;
  /** Where to save the graph. */
  out: string;
  threads: number;
}

export interface HnswBuildProtocol {
  data: undefined;
  ready: undefined;
  methods: { build: { payload: HnswBuildJob; result: void } };
  events: { added: number };
}
