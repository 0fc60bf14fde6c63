import { useEffect, useMemo } from 'react';
import type { ExplorerClassificationFieldsFragment, ExplorerLabelFieldsFragment } from '../generated/graphql';
import { useFocusOnChange } from '../lib/announce';
import { formatBytes, formatCount, formatPercent, searchHref } from '../lib/format';
import type { RejectedFile } from '../lib/imageBytes';
import { Link } from '../lib/router';
import { ClassStrip } from './ClassStrip';
import { FilePreview } from './FilePreview';
import './labelResults.css';

/** The model that answered, as the cards name it; `unknownThreshold` when it has an evaluation. */
export interface AnsweringModel {
  name: string;
  unknownThreshold: number | null;
  labelCount: number | null;
}

/**
 * One card per file, in the order sent, then the files refused in the browser: its preview, then either
 * its own error or its labels at or above `minConfidence` (filtered here, at once), each linked to the
 * Open Images class it names with a strip of that class's images. `staleFor` names the model now
 * re-classifying these files: the cards stay, marked as the previous model's.
 */
export function LabelResults({
  serial,
  focusKey,
  files,
  rejected = [],
  results,
  model,
  minConfidence = 0,
  staleFor = null,
}: {
  /** Changes with each new classification (names the results heading). */
  serial?: number;
  /** When it changes, the results heading takes the focus. */
  focusKey?: number;
  files: File[];
  rejected?: RejectedFile[];
  results: ExplorerClassificationFieldsFragment[];
  /** The model that answered (Classify); absent for Cloud Vision's labels. */
  model?: AnsweringModel;
  minConfidence?: number;
  staleFor?: string | null;
}) {
  const previews = useMemo(() => files.map((file) => URL.createObjectURL(file)), [files]);
  useEffect(() => () => previews.forEach((url) => URL.revokeObjectURL(url)), [previews]);
  const heading = useFocusOnChange<HTMLHeadingElement>(focusKey, { onMount: true });
  return (
    <section
      className={`classify-results${staleFor ? ' classify-results-stale' : ''}`}
      aria-busy={staleFor ? true : undefined}
      aria-labelledby={model ? `results-${serial}` : undefined}
    >
      {model && (
        <h2 id={`results-${serial}`} ref={heading} tabIndex={-1} className="classify-results-heading">
          Results from {model.name}
        </h2>
      )}
      {model && staleFor && (
        <p className="stale-note" role="status">
          These results are from {model.name}; classifying the same photos with {staleFor}…
        </p>
      )}
      <ol className="results" aria-label="Results per file">
        {results.map((result, i) => (
          <li key={i} className={`result${result.error ? ' result-error' : ''}`} data-filename={result.filename}>
            <CardHead
              name={result.filename}
              preview={previews[i]}
              detail={`${result.mimetype ?? 'unknown type'}${result.bytes != null ? ` · ${formatBytes(result.bytes)}` : ''}`}
              model={model?.name ?? null}
            />
            {result.error ? (
              <p className="state state-error" role="alert">
                <code>{result.error.code}</code> {result.error.message}
              </p>
            ) : (
              <Labels labels={result.labels} model={model} minConfidence={minConfidence} />
            )}
          </li>
        ))}
        {rejected.map(({ file, reason }, i) => (
          <li key={`rejected-${i}`} className="result result-error" data-filename={file.name}>
            <CardHead name={file.name} preview={null} detail={`${file.type || 'unknown type'} · ${formatBytes(file.size)} · not sent`} model={null} />
            <p className="state state-error" role="alert">
              <code>UNSUPPORTED_IMAGE</code> {reason}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}

function CardHead({ name, preview, detail, model }: { name: string; preview: string | null | undefined; detail: string; model: string | null }) {
  return (
    <div className="result-head">
      <FilePreview key={preview} url={preview} />
      <div>
        <h3 className="result-name">{name}</h3>
        <p className="muted">{detail}</p>
        {model && <p className="result-model">Model: {model}</p>}
      </div>
    </div>
  );
}

function Labels({ labels, model, minConfidence }: { labels: ExplorerLabelFieldsFragment[]; model: AnsweringModel | undefined; minConfidence: number }) {
  const top = labels.reduce((best, label) => Math.max(best, label.score), 0);
  const unknown = model?.unknownThreshold != null && labels.length > 0 && top < model.unknownThreshold;
  const shown = labels.filter((label) => label.score >= minConfidence);
  return (
    <>
      {unknown && model && (
        <div className="none-of-these" role="note">
          <p className="none-of-these-title">None of these classes</p>
          <p>
            The top score, {formatPercent(top)}, is below {formatPercent(model.unknownThreshold ?? 0)}: most likely this photo is unlike the training data. {model.name} only knows
            its {model.labelCount != null ? `${formatCount(model.labelCount)} labels` : 'own labels'} and gives every photo one of them.
          </p>
        </div>
      )}
      {shown.length === 0 ? (
        <p className="state state-empty">
          No label scored at least {formatPercent(minConfidence, 0)}
          {labels.length > 0 ? ` (the top one: ${labels[0].name}, ${formatPercent(labels[0].score)}).` : '.'}
        </p>
      ) : (
        <ul className={`labels${unknown ? ' labels-dimmed' : ''}`} aria-label={unknown ? 'Labels (none fits well)' : 'Labels'}>
          {shown.map((label, j) => (
            <li key={j} className="label">
              <div className="label-line">
                <span className="label-name">{label.name}</span>
                <span className="score" aria-label={`confidence ${formatPercent(label.score)}`}>
                  <span className="score-bar" style={{ width: formatPercent(label.score, 0) }} />
                  <span className="score-text">{formatPercent(label.score)}</span>
                </span>
              </div>
              <LabelClass label={label} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The label's Open Images class; when that class has no images here, the related classes that do, instead of an empty search. */
function LabelClass({ label }: { label: ExplorerLabelFieldsFragment }) {
  const linked = label.class;
  if (!linked) return <p className="muted label-class">No Open Images class for this label.</p>;
  if (linked.imageCount > 0) {
    return (
      <>
        <p className="label-class">
          Open Images class:{' '}
          <Link href={searchHref([linked.description])} className="class-link">
            {linked.description}
          </Link>{' '}
          <span className="muted">
            <code>{linked.label}</code> · {formatCount(linked.imageCount)} images
          </span>
        </p>
        <ClassStrip description={linked.description} images={linked.images.edges.map((edge) => edge.node)} />
      </>
    );
  }
  return (
    <div className="label-class">
      <p className="label-class-empty">
        Open Images class: {linked.description}{' '}
        <span className="muted">
          <code>{linked.label}</code> · no images in the loaded data
        </span>
      </p>
      {label.relatedClasses.length > 0 ? (
        <p className="related">
          <span>Related classes with images:</span>
          {label.relatedClasses.map((related) => (
            <Link key={related.label} href={searchHref([related.description])} className="related-link">
              {related.description} <span className="related-count">· {formatCount(related.imageCount)} images</span>
            </Link>
          ))}
        </p>
      ) : (
        <p className="muted">No related class has images here either.</p>
      )}
    </div>
  );
}
