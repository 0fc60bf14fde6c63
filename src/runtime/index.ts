export type { InputLayout, ModelPlan, ModelRuntime, ModelSession, ModelSource, OnnxSource, RuntimeKind, RuntimePreference } from './types';
export { OnnxRuntime } from './onnxRuntime';
export { TfjsRuntime } from './tfjsRuntime';
export { ServedModel } from './servedModel';
export { planModel, ONNX_MODEL_FILE } from './modelPlan';
export { defaultOnnxConversion, noConversion, NO_CONVERTER_REASON, type OnnxConversion, type OnnxConversionResult } from './onnx/conversion';
