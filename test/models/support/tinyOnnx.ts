import { promises as fs } from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';

export const TINY_ONNX_LABELS = ['red', 'green', 'blue'];

export interface TinyOnnxOptions {
  layout?: 'NHWC' | 'NCHW';
  /** Fixed square input size (default 16); `symbolic`: height and width left to metadata.json (else 224). */
  size?: number | 'symbolic';
  /** A leading output without a label (labelOffset 1). */
  background?: boolean;
  /** Softmax in the graph (probabilities) or raw logits. */
  softmax?: boolean;
  /** Outputs (default 3, one per colour): output i is 10 x the mean of channel i % 3. */
  width?: number;
}

/**
 * A tiny ONNX image classifier: the mean of each colour channel (ReduceMean over height and width)
 * times 10 (MatMul), then Softmax, so a red image scores "red" highest. Input float32
 * [N, size, size, 3] (NHWC) or [N, 3, size, size] (NCHW) with a symbolic batch dimension.
 */
export function tinyOnnxModel({ layout = 'NHWC', size = 16, background = false, softmax = true, width }: TinyOnnxOptions = {}): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const dim = (value: number | string) => (typeof value === 'number' ? { dimValue: value } : { dimParam: value });
  const valueInfo = (name: string, dims: Array<number | string>) => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map(dim) } } },
  });
  const classes = width ?? TINY_ONNX_LABELS.length + (background ? 1 : 0);
  const weights: number[] = [];
  for (let row = 0; row < 3; row++) for (let col = 0; col < classes; col++) weights.push(width ? (col % 3 === row ? 10 : 0) : col - (background ? 1 : 0) === row ? 10 : 0);
  const spatial = size;
  const input = layout === 'NHWC' ? ['batch', spatial, spatial, 3] : ['batch', 3, spatial, spatial];
  const nodes: onnx.INodeProto[] = [
    {
      name: 'mean',
      opType: 'ReduceMean',
      input: ['image'],
      output: ['channels'],
      attribute: [
        { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: layout === 'NHWC' ? [1, 2] : [2, 3] },
        { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 },
      ],
    },
    { name: 'dense', opType: 'MatMul', input: ['channels', 'weights'], output: [softmax ? 'logits' : 'scores'] },
  ];
  if (softmax)
    nodes.push({ name: 'softmax', opType: 'Softmax', input: ['logits'], output: ['scores'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 }] });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'openimages-gateway tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny',
      node: nodes,
      initializer: [{ name: 'weights', dataType: FLOAT, dims: [3, classes], floatData: weights }],
      input: [valueInfo('image', input)],
      output: [valueInfo('scores', ['batch', classes])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Writes `model.onnx` and `labels.txt` (and metadata.json when given) into `dir`. */
export async function writeTinyOnnxFolder(dir: string, options: TinyOnnxOptions = {}, metadata?: Record<string, unknown>): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'model.onnx'), tinyOnnxModel(options));
  await fs.writeFile(path.join(dir, 'labels.txt'), TINY_ONNX_LABELS.join('\n') + '\n');
  if (metadata) await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify(metadata));
  return dir;
}
