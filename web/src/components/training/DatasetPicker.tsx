import type { ExplorerTrainingDatasetsQuery } from '../../generated/graphql';
import { formatCount } from '../../lib/format';
import './training.css';

export type TrainingDatasetView = ExplorerTrainingDatasetsQuery['trainingDatasets'][number];

/** What the form sends: a folder (`data`) or a CSV (`csv`), by its path under TRAINING_DATA_ROOT. */
export interface DatasetChoice {
  path: string;
  kind: 'FOLDER' | 'CSV';
}

/** A typed path is a CSV when it ends in .csv, else a folder of class folders. */
export const typedChoice = (path: string): DatasetChoice => ({ path: path.trim(), kind: /\.csv$/i.test(path.trim()) ? 'CSV' : 'FOLDER' });

const KIND_NAMES = { FOLDER: 'folder of class folders', CSV: 'CSV file' } as const;
const SHOWN_CLASSES = 8;

/**
 * The datasets under the training root as radio cards: kind, photo count, each class with its count
 * and sample thumbnails, and the warnings to weigh before training (few photos, unbalanced classes,
 * duplicates); they never block the choice. "Another path" takes a path typed by hand.
 */
export function DatasetPicker({
  datasets,
  selected,
  typedPath,
  onSelect,
  onTypedPath,
}: {
  datasets: readonly TrainingDatasetView[];
  /** The chosen dataset's path, or null for "another path". */
  selected: string | null;
  typedPath: string;
  onSelect: (path: string | null) => void;
  onTypedPath: (path: string) => void;
}) {
  return (
    <fieldset className="dataset-picker">
      <legend>Dataset</legend>
      {datasets.length === 0 && <p className="muted">No dataset was found under the training root: add a folder of class folders (or a CSV) there, or type a path.</p>}
      <ul className="dataset-list">
        {datasets.map((dataset) => (
          <DatasetCard key={dataset.path} dataset={dataset} checked={selected === dataset.path} onSelect={() => onSelect(dataset.path)} />
        ))}
        <li className={`dataset-card${selected === null ? ' dataset-selected' : ''}`}>
          <label className="dataset-choice">
            <input type="radio" name="dataset" checked={selected === null} onChange={() => onSelect(null)} />
            <span>Another path</span>
          </label>
          {selected === null && (
            <div className="field dataset-typed">
              <label htmlFor="train-data">Folder or CSV under the training root</label>
              <input id="train-data" placeholder="e.g. flowers or flowers.csv" value={typedPath} onChange={(event) => onTypedPath(event.target.value)} />
            </div>
          )}
        </li>
      </ul>
    </fieldset>
  );
}

function DatasetCard({ dataset, checked, onSelect }: { dataset: TrainingDatasetView; checked: boolean; onSelect: () => void }) {
  const id = `dataset-${dataset.path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const classes = [...dataset.classes].sort((a, b) => b.photoCount - a.photoCount);
  const few = new Set(dataset.warnings.filter((warning) => warning.code === 'FEW_PHOTOS').flatMap((warning) => warning.labels));
  return (
    <li className={`dataset-card${checked ? ' dataset-selected' : ''}`} data-testid="dataset">
      <label className="dataset-choice">
        <input
          type="radio"
          name="dataset"
          value={dataset.path}
          checked={checked}
          onChange={onSelect}
          aria-describedby={dataset.warnings.length > 0 ? `${id}-warnings` : undefined}
        />
        <span>
          <strong className="dataset-path">{dataset.path}</strong>{' '}
          <span className="muted">
            {KIND_NAMES[dataset.kind]} · {formatCount(dataset.photoCount)} photos · {dataset.classes.length} {dataset.classes.length === 1 ? 'class' : 'classes'}
            {dataset.warnings.length > 0 && ` · ${dataset.warnings.length} ${dataset.warnings.length === 1 ? 'warning' : 'warnings'}`}
          </span>
        </span>
      </label>
      <ul className="dataset-classes" aria-label={`Classes of ${dataset.path}`}>
        {classes.slice(0, SHOWN_CLASSES).map((item) => (
          <li key={item.label} className={few.has(item.label) ? 'dataset-class dataset-class-few' : 'dataset-class'}>
            <span className="dataset-samples">
              {item.samples.map((sample) => (
                <img key={sample.path} src={sample.thumbnail} alt="" width={40} height={40} />
              ))}
            </span>
            <span>
              {item.label} <span className="dataset-count">{formatCount(item.photoCount)}</span>
            </span>
          </li>
        ))}
        {classes.length > SHOWN_CLASSES && <li className="muted">and {classes.length - SHOWN_CLASSES} more</li>}
      </ul>
      {dataset.warnings.length > 0 && (
        <ul id={`${id}-warnings`} className="dataset-warnings" aria-label={`Warnings about ${dataset.path}`}>
          {dataset.warnings.map((warning) => (
            <li key={`${warning.code}-${warning.labels.join(',')}`} data-code={warning.code}>
              <strong>{WARNING_TITLES[warning.code]}:</strong> {warning.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

const WARNING_TITLES = { FEW_PHOTOS: 'Few photos', UNBALANCED: 'Unbalanced', DUPLICATES: 'Duplicates' } as const;
