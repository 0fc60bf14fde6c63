import { useMutation, useQuery } from '@apollo/client';
import { useRef, useState } from 'react';
import { ExplorerTrainingDatasetsDocument, ExplorerTrainingModelIdsDocument, ExplorerTrainModelDocument } from '../../generated/graphql';
import { announce } from '../../lib/announce';
import { ErrorMessage, Loading } from '../States';
import { DatasetPicker, typedChoice, type DatasetChoice } from './DatasetPicker';
import { existingModelProblem, ModelIdField, modelIdProblem } from './ModelIdField';
import './training.css';

const DEFAULTS = { epochs: '30', learningRate: '0.001', augment: '0', testFraction: '0.1', seed: '42' };

/**
 * The guided start of a job: a model id (checked as typed, with a confirmation before replacing a
 * model), a dataset picked from those under the training root, epochs and the options behind "More
 * options". `onStarted` gets the new job's id.
 */
export function TrainingForm({ unavailable, onStarted }: { unavailable: boolean; onStarted: (jobId: string) => void }) {
  const [modelId, setModelId] = useState('');
  const [replace, setReplace] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [selected, setSelected] = useState<string | null | undefined>(undefined);
  const [typedPath, setTypedPath] = useState('');
  const [options, setOptions] = useState(DEFAULTS);
  const idRef = useRef<HTMLInputElement>(null);
  const replaceRef = useRef<HTMLInputElement>(null);
  const datasetRef = useRef<HTMLDivElement>(null);
  const datasets = useQuery(ExplorerTrainingDatasetsDocument, { skip: unavailable, fetchPolicy: 'cache-and-network' });
  const models = useQuery(ExplorerTrainingModelIdsDocument, { fetchPolicy: 'cache-and-network' });
  const [train, started] = useMutation(ExplorerTrainModelDocument);

  const list = datasets.data?.trainingDatasets ?? [];
  // With no list (an older gateway, no `train` scope), the typed path is the way in.
  const picked = selected === undefined ? (datasets.error || (datasets.data && list.length === 0) ? null : undefined) : selected;
  const dataset: DatasetChoice | undefined = picked === null ? (typedPath.trim() ? typedChoice(typedPath) : undefined) : list.find((d) => d.path === picked);
  const id = modelId.trim();
  const existing = models.data?.models.find((model) => model.id === id);
  const idProblem = modelIdProblem(id) ?? existingModelProblem(existing, replace);
  const shownIdProblem = submitted || (id !== '' && modelIdProblem(id) !== null) || (existing && !existing.mayChange) ? idProblem : null;
  const datasetProblem = dataset ? null : picked === null ? 'Type the path of a folder or CSV under the training root.' : 'Choose a dataset.';

  const start = async (confirmedReplace: boolean) => {
    if (!dataset) return;
    const input = {
      modelId: id,
      ...(dataset.kind === 'CSV' ? { csv: dataset.path } : { data: dataset.path }),
      epochs: Number(options.epochs) || 30,
      learningRate: Number(options.learningRate) || 0.001,
      augment: Number(options.augment) || 0,
      testFraction: Number(options.testFraction),
      seed: Number(options.seed) || 0,
      ...(confirmedReplace ? { replace: true } : {}),
    };
    const result = await train({ variables: { input } }).catch(() => undefined);
    const jobId = result?.data?.trainModel.id;
    if (jobId) {
      setSubmitted(false);
      announce(`Training ${id} started`);
      onStarted(jobId);
      models.refetch().catch(() => undefined);
    } else announce('The job could not start');
  };

  const submit = () => {
    setSubmitted(true);
    // The problem is read out where it shows: the id's live region, or the field the focus moves to.
    if (idProblem) {
      (existing?.mayChange && !modelIdProblem(id) ? replaceRef : idRef).current?.focus();
      return;
    }
    if (datasetProblem) {
      datasetRef.current?.querySelector<HTMLInputElement>('input')?.focus();
      return;
    }
    void start(!!existing?.mayChange && replace);
  };

  return (
    <form
      className="training-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <ModelIdField
        ref={idRef}
        replaceRef={replaceRef}
        value={modelId}
        problem={shownIdProblem}
        existing={existing}
        replace={replace}
        onChange={(value) => {
          setModelId(value);
          setReplace(false);
        }}
        onReplace={setReplace}
      />
      <div ref={datasetRef}>
        {datasets.loading && !datasets.data && <Loading what="Looking for datasets under the training root" />}
        <ErrorMessage error={datasets.error} title="The datasets could not be listed" />
        {(datasets.data || datasets.error) && (
          <DatasetPicker datasets={list} selected={picked === undefined ? '' : picked} typedPath={typedPath} onSelect={setSelected} onTypedPath={setTypedPath} />
        )}
        {submitted && datasetProblem && (
          <p className="field-problem" role="alert">
            {datasetProblem}
          </p>
        )}
      </div>
      <div className="toolbar">
        <NumberField id="train-epochs" label="Epochs" value={options.epochs} min={1} max={1000} onChange={(epochs) => setOptions({ ...options, epochs })} />
      </div>
      <details className="advanced">
        <summary>More options</summary>
        <div className="toolbar">
          <NumberField
            id="train-lr"
            label="Learning rate"
            value={options.learningRate}
            step="any"
            min={0.000001}
            max={1}
            onChange={(learningRate) => setOptions({ ...options, learningRate })}
          />
          <NumberField id="train-augment" label="Augmented copies per image" value={options.augment} min={0} max={20} onChange={(augment) => setOptions({ ...options, augment })} />
          <NumberField
            id="train-test"
            label="Test share (images without a split)"
            value={options.testFraction}
            step="0.05"
            min={0}
            max={0.9}
            onChange={(testFraction) => setOptions({ ...options, testFraction })}
          />
          <NumberField id="train-seed" label="Seed" value={options.seed} min={0} onChange={(seed) => setOptions({ ...options, seed })} />
        </div>
      </details>
      <button type="submit" className="training-touch" disabled={started.loading || unavailable}>
        {started.loading ? 'Starting…' : existing?.mayChange && replace ? 'Replace and start training' : 'Start training'}
      </button>
      <ErrorMessage
        error={started.error}
        title="The job could not start"
        hints={{
          MODEL_EXISTS: (
            <>
              You trained a model with this id before. Replace it with the one this job trains (it is swapped in only if the job succeeds), or choose another id.{' '}
              <button type="button" disabled={started.loading} onClick={() => void start(true)}>
                Replace it
              </button>
            </>
          ),
        }}
      />
    </form>
  );
}

function NumberField({
  id,
  label,
  value,
  onChange,
  ...limits
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  min?: number;
  max?: number;
  step?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" value={value} onChange={(event) => onChange(event.target.value)} {...limits} />
    </div>
  );
}
