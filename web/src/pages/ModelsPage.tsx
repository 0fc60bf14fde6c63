import { useMutation, useQuery } from '@apollo/client';
import { useEffect, useState } from 'react';
import { Evaluation } from '../components/Evaluation';
import { PageTitle } from '../components/PageTitle';
import { Empty, ErrorMessage, Loading } from '../components/States';
import { ExplorerDeleteModelDocument, ExplorerModelsDocument, type ModelRuntime } from '../generated/graphql';
import { announce, useFocusOnChange } from '../lib/announce';
import { usePageOperation } from '../lib/pageOperation';
import { formatCount } from '../lib/format';
import { hrefWith, Link, navigate, useQueryState } from '../lib/router';

const RUNTIME_NAMES: Record<ModelRuntime, string> = {
  ONNX: 'ONNX Runtime (native)',
  TFJS_WASM: 'TensorFlow.js (WebAssembly)',
};

export default function ModelsPage() {
  const [params] = useQueryState();
  const { data, loading, error } = useQuery(ExplorerModelsDocument);
  const models = data?.models ?? [];
  const chosen = models.find((m) => m.id === params.get('model')) ?? models[0];
  usePageOperation(ExplorerModelsDocument, {});
  const heading = useFocusOnChange<HTMLHeadingElement>(chosen?.id);
  useEffect(() => {
    if (data) announce(`${formatCount(data.models.length)} ${data.models.length === 1 ? 'model' : 'models'}`);
  }, [data]);
  const modelName = (m: { id: string; version: number | null }) => (m.version != null ? `${m.id}@${m.version}` : m.id);
  return (
    <section>
      <PageTitle title="Models">Models</PageTitle>
      {loading && <Loading what="Loading models" />}
      <ErrorMessage error={error} />
      {data && models.length === 0 && (
        <Empty>
          The gateway serves no model yet. Install one with <code>npm run model:download</code> or train one on the <Link href="/training">Training</Link> page.
        </Empty>
      )}
      {models.length > 0 && (
        <div className="two-columns models">
          <nav aria-label="Models" className="side">
            <ul className="model-list">
              {models.map((m) => (
                <li key={m.id}>
                  <Link href={hrefWith('/models', { model: m.id, threshold: params.get('threshold') })} aria-current={m === chosen ? 'true' : undefined}>
                    {m.id}
                  </Link>
                  <span className="muted">
                    {' '}
                    {formatCount(m.labels.length)} labels{m.trained ? ' · trained here' : ''}
                  </span>
                </li>
              ))}
            </ul>
          </nav>
          {chosen && (
            <article aria-labelledby="model-heading">
              <h2 id="model-heading" ref={heading} tabIndex={-1}>
                {chosen.id}
              </h2>
              <dl className="facts">
                <dt>Version</dt>
                <dd>{chosen.version != null ? modelName(chosen) : 'not versioned'}</dd>
                <dt>Runtime</dt>
                <dd>
                  {RUNTIME_NAMES[chosen.runtime]}
                  {chosen.runtimeFallbackReason && <span className="muted"> (not on ONNX Runtime: {chosen.runtimeFallbackReason})</span>}
                </dd>
                <dt>Backend</dt>
                <dd>{chosen.backend}</dd>
                <dt>Input</dt>
                <dd>
                  {chosen.inputSize}×{chosen.inputSize} px
                </dd>
                <dt>Labels</dt>
                <dd>{formatCount(chosen.labels.length)}</dd>
              </dl>
              <p>
                <Link href={hrefWith('/classify', { model: chosen.id })}>Classify photos with {chosen.id}</Link>
              </p>
              {chosen.mayChange && <DeleteModel key={chosen.id} id={chosen.id} />}
              {chosen.evaluation ? (
                <Evaluation key={`evaluation-${chosen.id}`} modelId={chosen.id} evaluation={chosen.evaluation} />
              ) : (
                <p className="muted">No evaluation: this model was not trained here.</p>
              )}
              <Labels labels={chosen.labels} />
            </article>
          )}
        </div>
      )}
    </section>
  );
}

/** Shown only on models the caller may change (it trained them, or is an admin); asks before deleting. */
function DeleteModel({ id }: { id: string }) {
  const [confirming, setConfirming] = useState(false);
  const [remove, removal] = useMutation(ExplorerDeleteModelDocument, {
    variables: { id },
    // The new list replaces the cached root `models`, which the Classify page's picker reads too.
    refetchQueries: [ExplorerModelsDocument],
    awaitRefetchQueries: true,
  });
  const confirm = async () => {
    const result = await remove().catch(() => undefined);
    if (result?.data?.deleteModel) navigate('/models', { replace: true });
    setConfirming(false);
  };
  return (
    <div className="delete-model">
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete {id}
        </button>
      ) : (
        <div className="confirm" role="group" aria-label={`Delete ${id}?`}>
          <p>
            Delete <strong>{id}</strong>? The gateway stops serving it and removes its folder; this cannot be undone.
          </p>
          <button type="button" className="danger" disabled={removal.loading} onClick={() => void confirm()}>
            {removal.loading ? 'Deleting…' : `Yes, delete ${id}`}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      )}
      <ErrorMessage error={removal.error} title="The model could not be deleted" />
    </div>
  );
}

function Labels({ labels }: { labels: string[] }) {
  const [filter, setFilter] = useState('');
  const shown = labels.filter((label) => label.toLowerCase().includes(filter.trim().toLowerCase()));
  return (
    <section aria-labelledby="labels-heading">
      <h3 id="labels-heading">Labels</h3>
      <label htmlFor="label-filter">Filter labels</label> <input id="label-filter" type="search" value={filter} onChange={(event) => setFilter(event.target.value)} />
      <p className="muted" role="status">
        {formatCount(shown.length)} of {formatCount(labels.length)}
      </p>
      <ol className="label-names">
        {shown.slice(0, 300).map((label, i) => (
          <li key={i}>{label}</li>
        ))}
      </ol>
      {shown.length > 300 && <p className="muted">Showing the first 300; filter to find the others.</p>}
    </section>
  );
}
