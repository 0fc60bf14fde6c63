import { useMutation, useQuery } from '@apollo/client';
import { useEffect, useId, useRef, useState } from 'react';
import { FileDrop } from '../components/FileDrop';
import { LabelResults, type AnsweringModel } from '../components/LabelResults';
import { PageTitle } from '../components/PageTitle';
import { ErrorMessage, Loading } from '../components/States';
import { Unavailable } from '../components/Unavailable';
import { ExplorerClassifyDocument, ExplorerModelPickerDocument, type ExplorerClassificationFieldsFragment, type ExplorerModelPickerQuery } from '../generated/graphql';
import { announce } from '../lib/announce';
import { useCapability } from '../lib/capabilities';
import { formatPercent } from '../lib/format';
import type { RejectedFile } from '../lib/imageBytes';
import { usePageOperation } from '../lib/pageOperation';
import { useQueryState } from '../lib/router';

const MODEL_HINTS = {
  MODEL_UNAVAILABLE: 'The gateway has no image model yet. Install one (npm run model:download, or train one on the Training page) and try again.',
  MODEL_NOT_FOUND: 'That model is not served any more: pick another one.',
  OVERLOADED: 'The gateway is busy with other images; try again in a moment.',
};

/** The model is asked for its top labels down to this floor; the Minimum confidence slider filters them here, at once. */
const REQUEST_FLOOR = 0.01;
const REQUEST_MAX_RESULTS = 10;

interface Shown {
  files: File[];
  rejected: RejectedFile[];
  results: ExplorerClassificationFieldsFragment[];
  model: AnsweringModel;
  serial: number;
  /** Changes only with runs the user asked for (new photos, Classify again): a model change leaves the focus in the picker. */
  focusKey: number;
}

type PickerModel = ExplorerModelPickerQuery['models'][number];

function answeringModel(chosen: string, models: PickerModel[] | undefined): AnsweringModel {
  const model = chosen ? models?.find((m) => m.id === chosen) : models?.find((m) => m.isDefault);
  if (!model) return { name: chosen || 'the default model', unknownThreshold: null, labelCount: null };
  const evaluation = model.evaluation;
  return {
    name: model.version != null ? `${model.id}@${model.version}` : model.id,
    unknownThreshold: evaluation?.unknownThreshold ?? null,
    labelCount: evaluation?.confusionMatrix.labels.length ?? null,
  };
}

export default function ClassifyPage() {
  const [params, setParams] = useQueryState();
  const model = params.get('model') ?? '';
  const minConfidence = clamp(Number(params.get('min') ?? '0.05'));
  const models = useQuery(ExplorerModelPickerDocument);
  // Known on arrival: a gateway that serves no model says so before any upload.
  const capability = useCapability('classify');
  const [classify, { loading, error, reset }] = useMutation(ExplorerClassifyDocument);
  const [chosen, setChosen] = useState<{ files: File[]; rejected: RejectedFile[] }>({ files: [], rejected: [] });
  const [shown, setShown] = useState<Shown | null>(null);
  const [running, setRunning] = useState<{ model: string; files: File[] } | null>(null);
  const serial = useRef(0);
  const id = useId();
  const variables = { files: chosen.files, model: model || null, minConfidence: REQUEST_FLOOR, maxResults: REQUEST_MAX_RESULTS };
  usePageOperation(ExplorerClassifyDocument, variables);

  const focusKey = useRef(0);
  const run = async (files: File[], rejected: RejectedFile[], modelId: string, { moveFocus = true } = {}) => {
    if (moveFocus) focusKey.current += 1;
    setChosen({ files, rejected });
    reset();
    const mine = ++serial.current;
    const answering = answeringModel(modelId, models.data?.models);
    if (files.length === 0) {
      setRunning(null);
      setShown({ files, rejected, results: [], model: answering, serial: mine, focusKey: focusKey.current });
      if (rejected.length > 0)
        announce(`${rejected.length} ${rejected.length === 1 ? 'file is' : 'files are'} not an image and ${rejected.length === 1 ? 'was' : 'were'} not sent`);
      return;
    }
    setRunning({ model: answering.name, files });
    const result = await classify({ variables: { ...variables, files, model: modelId || null } }).catch(() => undefined);
    if (mine !== serial.current) return;
    setRunning(null);
    if (!result?.data) {
      setShown(null);
      return;
    }
    setShown({ files, rejected, results: result.data.classify, model: answering, serial: mine, focusKey: focusKey.current });
    const failed = result.data.classify.filter((r) => r.error).length + rejected.length;
    const count = files.length + rejected.length;
    announce(`${count} ${count === 1 ? 'file' : 'files'} classified by ${answering.name}${failed > 0 ? `, ${failed} with an error` : ''}`);
  };

  // A model change classifies the same files again with the new model; the old results stay, marked stale, until then.
  const latest = useRef({ chosen, run });
  latest.current = { chosen, run };
  const firstModel = useRef(true);
  useEffect(() => {
    if (firstModel.current) {
      firstModel.current = false;
      return;
    }
    const { chosen: files, run: again } = latest.current;
    if (files.files.length > 0) void again(files.files, files.rejected, model, { moveFocus: false });
  }, [model]);

  const count = chosen.files.length;
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
                {m.id}
                {m.version != null ? `@${m.version}` : ''} ({m.runtime === 'ONNX' ? 'ONNX Runtime' : `TF.js, ${m.backend}`})
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
              aria-describedby={`${id}-min-note`}
              onChange={(event) => setParams({ min: event.target.value }, { replace: true })}
            />
            <output htmlFor={`${id}-min`}>{formatPercent(minConfidence, 0)}</output>
          </span>
        </div>
        <button type="button" disabled={count === 0 || loading} onClick={() => void run(chosen.files, chosen.rejected, model)}>
          Classify again
        </button>
      </div>
      <p id={`${id}-min-note`} className="muted classify-note">
        The slider filters the labels shown, at once: each photo gets the model&rsquo;s top {REQUEST_MAX_RESULTS} labels scoring at least {formatPercent(REQUEST_FLOOR, 0)}.
      </p>
      <ErrorMessage error={models.error} title="The model list could not be loaded" />
      {capability.available === false ? (
        <Unavailable title="Classify is not available here" reason={capability.reason} />
      ) : (
        <FileDrop multiple label="Choose photos" onFiles={(files, rejected) => void run(files, rejected, model)} disabled={loading} showRejected={false} />
      )}
      {running && <Loading what={`Classifying ${count} ${count === 1 ? 'photo' : 'photos'} with ${running.model}`} />}
      <ErrorMessage error={error} hints={MODEL_HINTS} title="The photos could not be classified" />
      {/* New photos replace the cards; the same photos again (another model) keep them, marked stale. */}
      {shown && (!running || running.files === shown.files) && (
        <LabelResults
          serial={shown.serial}
          focusKey={shown.focusKey}
          files={shown.files}
          rejected={shown.rejected}
          results={shown.results}
          model={shown.model}
          minConfidence={minConfidence}
          staleFor={running?.model ?? null}
        />
      )}
    </section>
  );
}

function clamp(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0.05;
}
