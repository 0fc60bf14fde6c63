/** One finished training epoch, as training reports it (progress events, the job's history). */
export interface EpochReport {
  epoch: number;
  epochs: number;
  /** 'head': the dense head on frozen features; 'fine-tune': the backbone's top and the head together. */
  phase?: 'head' | 'fine-tune';
  /** True for the epochs of the refit on every labelled image, which follow the evaluated fit's. */
  refit?: boolean;
  loss: number;
  /** On the epoch's TRAIN batches, while they were learnt (fine-tuning only). */
  accuracy?: number;
  validationLoss?: number;
  validationAccuracy?: number;
}
