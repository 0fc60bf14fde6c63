import type { ExplorerEvaluationFieldsFragment } from '../generated/graphql';
import './evaluation.css';

export interface MatrixCell {
  trueLabel: string;
  predictedLabel: string;
  count: number;
}

/** The id of a cell's button, so a closed panel can give the focus back to it. */
export const cellButtonId = (prefix: string, cell: { trueLabel: string; predictedLabel: string }) =>
  `${prefix}-cell-${encodeURIComponent(cell.trueLabel)}-${encodeURIComponent(cell.predictedLabel)}`.replace(/%/g, '_');

/**
 * The confusion matrix as a table whose cells are shaded by their share of the row (the true label's
 * images), so the diagonal reads as recall; the shade stays light enough for dark text. Every non-zero
 * cell is a button that opens its TEST photos (`onSelect`) in the panel `panelId`.
 */
export function ConfusionMatrix({
  matrix,
  idPrefix,
  selected,
  onSelect,
  panelId,
}: {
  matrix: ExplorerEvaluationFieldsFragment['confusionMatrix'];
  idPrefix: string;
  selected: MatrixCell | null;
  onSelect: (cell: MatrixCell) => void;
  panelId: string;
}) {
  return (
    <table className="heatmap" aria-label="Confusion matrix: rows are true labels, columns predicted labels">
      <thead>
        <tr>
          <th scope="col" className="heatmap-corner">
            true ↓ / predicted →
          </th>
          {matrix.labels.map((label) => (
            <th key={label} scope="col">
              {label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.matrix.map((row, i) => {
          const total = row.reduce((sum, n) => sum + n, 0);
          const trueLabel = matrix.labels[i];
          return (
            <tr key={trueLabel}>
              <th scope="row">{trueLabel}</th>
              {row.map((count, j) => {
                const share = total > 0 ? count / total : 0;
                const cell = { trueLabel, predictedLabel: matrix.labels[j], count };
                const open = selected?.trueLabel === cell.trueLabel && selected.predictedLabel === cell.predictedLabel;
                return (
                  <td
                    key={j}
                    className={`cell${i === j ? ' diagonal' : ''}${count === 0 ? ' cell-empty' : ''}`}
                    style={{ backgroundColor: `rgba(${i === j ? '22, 110, 190' : '200, 60, 40'}, ${(share * 0.6).toFixed(3)})` }}
                  >
                    {count === 0 ? (
                      '0'
                    ) : (
                      <button
                        type="button"
                        id={cellButtonId(idPrefix, cell)}
                        className="cell-button"
                        aria-label={`${count} ${count === 1 ? 'photo' : 'photos'} of ${trueLabel} predicted as ${cell.predictedLabel}: show`}
                        aria-expanded={open}
                        aria-controls={open ? panelId : undefined}
                        onClick={() => onSelect(cell)}
                      >
                        {count}
                      </button>
                    )}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
