import type { ModelSpec } from './modelFolder';

/** A file to fetch and the sha256 it must have. `null`: not pinned yet, fetched only with --allow-unpinned. */
export interface PinnedUrl {
  url: string;
  sha256: string | null;
}

/** A labels text file, one class per line. */
export interface LabelsSource extends PinnedUrl {
  /** Leading lines without a model output of their own (none), or for outputs the model has but nobody names. */
  dropFirst?: number;
}

/** A published TF.js classifier: where its model.json lives, where its class names live, and how to feed it. */
export interface CatalogueEntry {
  description: string;
  /** model.json; `sha256` is the folder digest (see folderDigest) of model.json plus its shards. */
  model: PinnedUrl;
  labels: LabelsSource;
  preprocessing: Pick<ModelSpec, 'inputRange' | 'labelOffset' | 'outputs'> & { inputSize: number };
}

/** TensorFlow's own list of the 1000 ILSVRC-2012 classes, preceded by "background" (1001 lines). */
const IMAGENET_LABELS: PinnedUrl = { url: 'https://storage.googleapis.com/download.tensorflow.org/data/ImageNetLabels.txt', sha256: null };

/**
 * The models `npm run model:download -- <name>` knows. None is pinned: the machines this was written on
 * have no internet, and no byte-identical copy of what an entry fetches was at hand to digest
 * (../shared/models holds MobileNet V1 0.25 and 0.75 folders of the same layout as the tfjs-models ones,
 * but with no record of where they came from, and a V2 rebuilt from a TFLite file; ImageNetLabels.txt is
 * nowhere). Unpinned entries are refused unless --allow-unpinned: download once that way, compare the
 * digests it prints with a second, independent download, and pin both `model` and `labels` here.
 */
export const MODEL_CATALOGUE: Record<string, CatalogueEntry> = {
  'mobilenet_v2_1.0_224': {
    description: 'MobileNet V2 (width 1.0, 224x224), ImageNet, from the TensorFlow.js model hub (graph model, 14 MB)',
    model: {
      url: 'https://tfhub.dev/google/tfjs-model/imagenet/mobilenet_v2_100_224/classification/3/default/1/model.json?tfjs-format=file',
      sha256: null,
    },
    // TF-Slim classifiers output a "background" logit before the 1000 classes; TF Hub image models take [0, 1].
    labels: { ...IMAGENET_LABELS, dropFirst: 1 },
    preprocessing: { inputSize: 224, inputRange: [0, 1], labelOffset: 1, outputs: 'logits' },
  },
  'mobilenet_v1_1.0_224': {
    description: 'MobileNet V1 (width 1.0, 224x224), ImageNet, Keras weights converted for TF.js (layers model, 17 MB)',
    model: { url: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_1.0_224/model.json', sha256: null },
    labels: { ...IMAGENET_LABELS, dropFirst: 1 },
    preprocessing: { inputSize: 224, inputRange: [-1, 1], labelOffset: 0, outputs: 'probabilities' },
  },
  'mobilenet_v1_0.25_224': {
    description: 'MobileNet V1 (width 0.25, 224x224), ImageNet, Keras weights converted for TF.js (layers model, 2 MB): fast, less accurate',
    model: { url: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json', sha256: null },
    labels: { ...IMAGENET_LABELS, dropFirst: 1 },
    preprocessing: { inputSize: 224, inputRange: [-1, 1], labelOffset: 0, outputs: 'probabilities' },
  },
};
