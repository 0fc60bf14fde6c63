import type { ExplorerEvaluationFieldsFragment } from '../generated/graphql';

/**
 * The confusion matrix as a table whose cells are shaded by their share of the row (the true label's
 * images), so the diagonal reads as recall. Every cell keeps its count as text for screen readers.
 */
export function ConfusionMatrix({ matrix }: { matrix: ExplorerEvaluationFieldsFragment['confusionMatrix'] }) {
  return (
    <div className="table-wrap">
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
            return (
              <tr key={matrix.labels[i]}>
                <th scope="row">{matrix.labels[i]}</th>
                {row.map((count, j) => {
                  const share = total > 0 ? count / total : 0;
                  return (
                    <td
                      key={j}
                      className={i === j ? 'diagonal' : undefined}
                      style={{ backgroundColor: `rgba(${i === j ? '22, 110, 190' : '200, 60, 40'}, ${share.toFixed(3)})`, color: share > 0.55 ? '#fff' : undefined }}
                      title={`${matrix.labels[i]} predicted as ${matrix.labels[j]}: ${count}`}
                    >
                      {count}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
