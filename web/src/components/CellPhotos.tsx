import { useQuery } from '@apollo/client';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { ExplorerEvaluationPhotosDocument } from '../generated/graphql';
import { announce } from '../lib/announce';
import { formatPercent } from '../lib/format';
import type { MatrixCell } from './ConfusionMatrix';
import { ErrorMessage, Loading } from './States';
import './evaluation.css';

const MOST_PHOTOS = 48;

/**
 * The TEST photos of one confusion-matrix cell, as the evaluation kept them (thumbnail, path, top score).
 * Takes the focus when opened; Escape or Close calls `onClose` (which gives the focus back to the cell).
 */
export function CellPhotos({ modelId, cell, id, onClose }: { modelId: string; cell: MatrixCell; id: string; onClose: () => void }) {
  const panel = useRef<HTMLElement>(null);
  // An evaluation has no id of its own: cached, this selection would replace the Models page's one.
  const { data, loading, error } = useQuery(ExplorerEvaluationPhotosDocument, {
    variables: { trueLabel: cell.trueLabel, predictedLabel: cell.predictedLabel, first: MOST_PHOTOS },
    fetchPolicy: 'no-cache',
  });
  const photos = data?.models.find((m) => m.id === modelId)?.evaluation?.photos;
  const title = `${cell.trueLabel} predicted as ${cell.predictedLabel}`;
  useEffect(() => panel.current?.focus(), [cell.trueLabel, cell.predictedLabel]);
  useEffect(() => {
    if (photos) announce(`${photos.length} TEST ${photos.length === 1 ? 'photo' : 'photos'} of ${title}`);
  }, [photos, title]);
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
    }
  };
  return (
    <section id={id} ref={panel} tabIndex={-1} className="cell-photos" aria-labelledby={`${id}-title`} onKeyDown={onKeyDown}>
      <div className="cell-photos-head">
        <h4 id={`${id}-title`}>
          {title}: {cell.count} TEST {cell.count === 1 ? 'photo' : 'photos'}
        </h4>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      {loading && <Loading what="Loading the photos" />}
      <ErrorMessage error={error} title="The photos could not be loaded" />
      {photos && photos.length === 0 && <p className="muted">The evaluation kept no photos for this cell (it was written before photos were kept).</p>}
      {photos && photos.length > 0 && (
        <ul className="cell-photo-grid" aria-label={`Photos of ${title}`}>
          {photos.map((photo) => (
            <li key={photo.path}>
              {photo.thumbnail ? <img src={photo.thumbnail} alt={photo.path} /> : <span className="preview preview-none">no thumbnail</span>}
              <p>
                <code>{photo.path}</code>
              </p>
              <p className="muted">
                {photo.predictedLabel} {formatPercent(photo.score)}
              </p>
            </li>
          ))}
        </ul>
      )}
      {photos && cell.count > photos.length && (
        <p className="muted">
          The first {photos.length} of {cell.count}.
        </p>
      )}
    </section>
  );
}
