import { onnx } from 'onnx-proto';

/** ONNX opset the converter writes: 17 (HardSwish needs 14, Softmax on one axis 13); ONNX Runtime 1.30 runs it fully. */
export const OPSET = 17;
/** IR version 8 goes with opsets 15-17 (ONNX 1.10-1.12). */
const IR_VERSION = 8;

export type Attribute = number | number[] | string;
export type Dims = Array<number | null>;

/**
 * A small builder for one ONNX graph: nodes in the order they are added (callers add producers before
 * consumers), constant initializers, and names made unique. `encode` writes the ModelProto bytes with
 * onnx-proto (protobufjs).
 */
export class OnnxGraph {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly scalars = new Map<number, string>();

  /** A name not used yet in this graph, `base` itself when free. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** A float32 constant (weights, biases, scalars with `dims` []). */
  floats(base: string, values: Float32Array | number[], dims: number[]): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    return this.tensor(base, onnx.TensorProto.DataType.FLOAT, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dims);
  }

  /** A float32 scalar constant, shared by every node that uses the same value (Clip bounds...). */
  scalar(value: number): string {
    let name = this.scalars.get(value);
    if (name === undefined) this.scalars.set(value, (name = this.floats(`const_${value}`, [value], [])));
    return name;
  }

  /** An int64 constant (shapes, pads). */
  int64s(base: string, values: number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.tensor(base, onnx.TensorProto.DataType.INT64, new Uint8Array(data.buffer), [values.length]);
  }

  private tensor(base: string, dataType: number, rawData: Uint8Array, dims: number[]): string {
    const name = this.uniqueName(base);
    this.initializers.push({ name, dataType, dims, rawData: Uint8Array.from(rawData) });
    return name;
  }

  /** Adds one node and returns the name of its (single) output. */
  node(opType: string, inputs: string[], attributes: Record<string, Attribute | undefined> = {}, outputBase = opType): string {
    const output = this.uniqueName(outputBase);
    this.nodes.push({
      opType,
      name: output,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes)
        .filter((entry): entry is [string, Attribute] => entry[1] !== undefined)
        .map(([name, value]) => attribute(name, value)),
    });
    return output;
  }

  /** Ends the graph in `name`, a name reserved with `uniqueName` beforehand. */
  output(input: string, name: string): string {
    this.nodes.push({ opType: 'Identity', name, input: [input], output: [name], attribute: [] });
    return name;
  }

  /** Reserves a name for the graph input. */
  inputName(base: string): string {
    return this.uniqueName(base);
  }

  encode(graphName: string, input: { name: string; dims: Dims }, output: { name: string; dims: Dims }, metadata: Record<string, string> = {}): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: IR_VERSION,
      producerName: 'openimages-gateway tfjs-layers converter',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(input.name, input.dims)],
        output: [valueInfo(output.name, output.dims)],
      },
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}

function valueInfo(name: string, dims: Dims): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d, i) => (d === null ? { dimParam: i === 0 ? 'batch' : `d${i}` } : { dimValue: d })) },
      },
    },
  };
}

function attribute(name: string, value: Attribute): onnx.IAttributeProto {
  const type = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: type.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: type.INTS, ints: value };
  // Whole numbers are INT attributes unless the name says float (alpha, beta, epsilon...).
  if (Number.isInteger(value) && !FLOAT_ATTRIBUTES.has(name)) return { name, type: type.INT, i: value };
  return { name, type: type.FLOAT, f: value };
}

const FLOAT_ATTRIBUTES = new Set(['alpha', 'beta', 'epsilon', 'gamma']);
