import { useMutation, useQuery } from '@apollo/client';
import { useId, useState } from 'react';
import { FileDrop } from '../components/FileDrop';
import { LabelResults } from '../components/LabelResults';
import { PageTitle } from '../components/PageTitle';
import { ErrorMessage, Loading } from '../components/States';
import { ExplorerClassifyDocument, ExplorerModelPickerDocument } from '../generated/graphql';
import { formatPercent } from '../lib/format';
import { useQueryState } from '../lib/router';

const MODEL_HINTS = {
  MODEL_UNAVAILABLE: 'The gateway has no image model yet. Install one (npm run model:download, or train one on the Training page) and try again.',
  MODEL_NOT_FOUND: 'That model is not served any more: pick another one.',
  OVERLOADED: 'The gateway is busy with other images; try again in a moment.',
};

export default function ClassifyPage() {
  const [params, setParams] = useQueryState();
  const model = params.get('model') ?? '';
  const minConfidence = clamp(Number(params.get('min') ?? '0.05'));
  const [files, setFiles] = useState<File[]>([]);
  const models = useQuery(ExplorerModelPickerDocument);
  const [classify, { data, loading, error, reset }] = useMutation(ExplorerClassifyDocument);
  const id = useId();

  const run = (chosen: File[]) => {
    setFiles(chosen);
    reset();
    if (chosen.length > 0) classify({ variables: { files: chosen, model: model || null, minConfidence, maxResults: 5 } }).catch(() => undefined);
  };

  return (
    <section>
      <PageTitle title="Classify">Classify photos</PageTitle>
      <p>Label your own photos with a model the gateway serves; each label links to the Open Images class it names.</p>
      <div className="toolbar">
        <div className="field">
          <label htmlFor={`${id}-model`}>Model</label>
          <select id={`${id}-model`} value={model} onChange={(event) => setParams({ model: event.target.value }, { replace: true })} disabled={models.loading}>
            <option value="">Default model</option>
            {models.data?.models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.id} ({m.runtime === 'ONNX' ? 'ONNX Runtime' : `TF.js, ${m.backend}`})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-min`}>Minimum confidence</label>
          <span className="slider">
            <input
              id={`${id}-min`}
              type="range"
              min={0}
              max={1}
              step={0.01}
              value={minConfidence}
              aria-valuetext={formatPercent(minConfidence, 0)}
              onChange={(event) => setParams({ min: event.target.value }, { replace: true })}
            />
            <output htmlFor={`${id}-min`}>{formatPercent(minConfidence, 0)}</output>
          </span>
        </div>
        <button type="button" disabled={files.length === 0 || loading} onClick={() => run(files)}>
          Classify again
        </button>
      </div>
      <ErrorMessage error={models.error} title="The model list could not be loaded" />
      <FileDrop multiple label="Choose photos" onFiles={run} disabled={loading} />
      {loading && <Loading what={`Classifying ${files.length} ${files.length === 1 ? 'photo' : 'photos'}`} />}
      <ErrorMessage error={error} hints={MODEL_HINTS} title="The photos could not be classified" />
      {data && <LabelResults files={files} results={data.classify} />}
    </section>
  );
}

function clamp(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0.05;
}
