import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

@ObjectType({ description: 'Why one file got no labels.' })
export class ClassificationError {
  @Field({ description: 'Machine-readable reason to branch on, e.g. UNSUPPORTED_IMAGE, FILE_TOO_LARGE, IMAGE_TOO_LARGE, VISION_ERROR, OVERLOADED.' })
  code!: string;

  @Field({ description: 'What went wrong, in English, for people to read; branch on `code`, not on this text.' })
  message!: string;
}

@ObjectType({ description: 'A label a model or the Vision API gave an image.' })
export class Label {
  @Field({ description: 'Label name as the model names it (ImageNet names list synonyms: "tabby, tabby cat").' })
  name!: string;

  @Field(() => Float, { description: 'Confidence, 0 to 1.' })
  score!: number;

  @Field(() => String, { nullable: true, description: 'Knowledge Graph id when the source gives one (Vision does).' })
  mid?: string | null;
}

@ObjectType({ description: 'The labels of one uploaded file, in the order of `files`.' })
export class ImageClassification {
  @Field({ description: 'The file name the client sent with the upload; empty when the upload could not be received.' })
  filename!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The MIME type the client declared for the upload (the image format is read from the bytes, not from this); null when none was declared or the upload could not be received.',
  })
  mimetype?: string | null;

  @Field(() => Int, { nullable: true, description: 'Size of the upload in bytes (null when it was not read whole).' })
  bytes?: number | null;

  @Field(() => [Label], { description: 'By score, highest first; empty when `error` is set.' })
  labels!: Label[];

  @Field(() => ClassificationError, {
    nullable: true,
    description: 'Why this file got no labels; null when it was labelled (empty `labels` and a null `error`: no label scored at least `minConfidence`).',
  })
  error?: ClassificationError | null;
}

export enum ModelStatus {
  READY = 'READY',
  FAILED = 'FAILED',
}
registerEnumType(ModelStatus, {
  name: 'ModelStatus',
  description: 'Whether a model found at start is served.',
  valuesConfig: {
    READY: { description: 'Loaded: `classify(model:)` uses it.' },
    FAILED: { description: 'Found but could not be loaded; `Model.error` says why.' },
  },
});

export enum ModelRuntime {
  ONNX = 'ONNX',
  TFJS_WASM = 'TFJS_WASM',
}
registerEnumType(ModelRuntime, {
  name: 'ModelRuntime',
  description: "The runtime that computes a model's predictions in the inference workers.",
  valuesConfig: {
    ONNX: { description: "ONNX Runtime, native code on the CPU: a folder's `model.onnx`, or a TF.js model converted to ONNX. The fast path." },
    TFJS_WASM: { description: 'TensorFlow.js on WebAssembly (one thread per worker): the fallback for models without an ONNX form; `runtimeFallbackReason` says why.' },
  },
});

@ObjectType({ description: 'A local image model the gateway serves, or found and could not load.' })
export class Model {
  @Field(() => ID, {
    description:
      "The model's folder name in the model repository (MODEL_REPOSITORY, default MODELS_DIR), or MODEL_DIR's folder name (`mobilenet_v2_1.0_224` for the shipped default). Pass it as `classify(model:)`.",
  })
  id!: string;

  @Field(() => Int, {
    nullable: true,
    description:
      'The repository version served (`<id>/<version>/`, the newest one this replica has loaded; `classify(model: "id@version")` names it); null for a model folder without versions (MODEL_DIR, the shipped model, a plain folder).',
  })
  version?: number | null;

  @Field(() => ModelStatus, { description: 'READY when served; FAILED when found at start but not loadable (`error` says why).' })
  status!: ModelStatus;

  @Field(() => String, { nullable: true, description: 'Why the model could not be loaded (status FAILED); null when READY.' })
  error?: string | null;

  @Field({ description: 'The model `classify` uses when no `model` argument is given.' })
  isDefault!: boolean;

  @Field(() => [String], { description: 'The classes the model knows, in output order (empty when FAILED).' })
  labels!: string[];

  @Field(() => Int, { description: 'Square input size in pixels (0 when FAILED).' })
  inputSize!: number;

  @Field({ description: 'The backend of its runtime: `onnxruntime-cpu` (ONNX Runtime), `wasm` or `tensorflow` (TF.js with tfjs-node).' })
  backend!: string;

  @Field(() => ModelRuntime, {
    description:
      "The runtime serving it: ONNX when the model has an ONNX form (its folder's `model.onnx`, or a converted TF.js model), else TFJS_WASM. TFJS_WASM for a FAILED model.",
  })
  runtime!: ModelRuntime;

  @Field(() => String, {
    nullable: true,
    description:
      'Why a TF.js model is served by TF.js rather than ONNX Runtime (no converter, a layer the converter does not support, INFERENCE_RUNTIME=tfjs...); null on ONNX Runtime.',
  })
  runtimeFallbackReason?: string | null;

  @Field({ description: "Trained through this gateway's `trainModel`: only such models can be replaced or deleted, by their owner or an admin." })
  trained!: boolean;
}
