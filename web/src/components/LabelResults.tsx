import { useEffect, useMemo } from 'react';
import type { ExplorerClassificationFieldsFragment } from '../generated/graphql';
import { formatBytes, formatPercent, searchHref } from '../lib/format';
import { Link } from '../lib/router';
import { ClassStrip } from './ClassStrip';
import { FilePreview } from './FilePreview';

/**
 * One card per uploaded file, in the order sent: its preview, then either its own error or its labels,
 * each label linked to the Open Images class it names with a strip of that class's images.
 */
export function LabelResults({ files, results }: { files: File[]; results: ExplorerClassificationFieldsFragment[] }) {
  const previews = useMemo(() => files.map((file) => URL.createObjectURL(file)), [files]);
  useEffect(() => () => previews.forEach((url) => URL.revokeObjectURL(url)), [previews]);
  return (
    <ol className="results" aria-label="Results per file">
      {results.map((result, i) => (
        <li key={i} className={`result${result.error ? ' result-error' : ''}`} data-filename={result.filename}>
          <div className="result-head">
            <FilePreview key={previews[i]} url={previews[i]} />
            <div>
              <h2 className="result-name">{result.filename}</h2>
              <p className="muted">
                {result.mimetype ?? 'unknown type'}
                {result.bytes != null && ` · ${formatBytes(result.bytes)}`}
              </p>
            </div>
          </div>
          {result.error ? (
            <p className="state state-error" role="alert">
              <code>{result.error.code}</code> {result.error.message}
            </p>
          ) : result.labels.length === 0 ? (
            <p className="state state-empty">No label scored above the minimum confidence.</p>
          ) : (
            <ul className="labels">
              {result.labels.map((label, j) => (
                <li key={j} className="label">
                  <div className="label-line">
                    <span className="label-name">{label.name}</span>
                    <span className="score" aria-label={`confidence ${formatPercent(label.score)}`}>
                      <span className="score-bar" style={{ width: formatPercent(label.score, 0) }} />
                      <span className="score-text">{formatPercent(label.score)}</span>
                    </span>
                  </div>
                  {label.class ? (
                    <>
                      <p className="label-class">
                        Open Images class:{' '}
                        <Link href={searchHref([label.class.description])} className="class-link">
                          {label.class.description}
                        </Link>{' '}
                        <span className="muted">
                          <code>{label.class.label}</code> · {label.class.imageCount.toLocaleString('en-US')} images
                        </span>
                      </p>
                      <ClassStrip description={label.class.description} images={label.class.images.edges.map((edge) => edge.node)} />
                    </>
                  ) : (
                    <p className="muted label-class">No Open Images class for this label.</p>
                  )}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
