export type Split = 'TRAIN' | 'VALIDATION' | 'TEST';

/** One image to train or evaluate on. `source` is an absolute local path, a gs:// URI or an http(s) URL. */
export interface DatasetItem {
  source: string;
  labels: string[];
  /** Unset until assigned (AutoML's empty / UNASSIGNED split). */
  split?: Split;
}

export interface Dataset {
  items: DatasetItem[];
  /** Every label, sorted: the order of the model's outputs. */
  labels: string[];
  /** Some image has several labels: train independent sigmoid outputs instead of one softmax. */
  multiLabel: boolean;
}

/**
 * Training data that cannot be used. The message may quote the data and name paths (for the log and the
 * command line); `safeMessage` says what is wrong without either, for clients of a production gateway.
 */
export class DatasetError extends Error {
  override name = 'DatasetError';
  readonly safeMessage: string;

  constructor(message: string, safeMessage?: string) {
    super(message);
    this.safeMessage = safeMessage ?? message;
  }
}

/** A source the gateway will not read: outside TRAINING_DATA_ROOT, or remote and not allowed. */
export class SourceRefusedError extends DatasetError {
  override name = 'SourceRefusedError';
}

export function datasetOf(items: DatasetItem[]): Dataset {
  if (items.length === 0) throw new DatasetError('the dataset has no labelled images');
  const labels = [...new Set(items.flatMap((item) => item.labels))].sort();
  if (labels.length < 2) {
    throw new DatasetError(
      `a classifier needs at least two labels, found ${labels.length === 1 ? `only "${labels[0]}"` : 'none'}`,
      `a classifier needs at least two labels, found ${labels.length}`,
    );
  }
  return { items, labels, multiLabel: items.some((item) => item.labels.length > 1) };
}
