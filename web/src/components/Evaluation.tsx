import { useQuery } from '@apollo/client';
import { useEffect, useId, useState } from 'react';
import { ExplorerEvaluationAtThresholdDocument, type ExplorerEvaluationFieldsFragment } from '../generated/graphql';
import { formatCount, formatPercent } from '../lib/format';
import { useQueryState } from '../lib/router';
import { CellPhotos } from './CellPhotos';
import { cellButtonId, ConfusionMatrix, type MatrixCell } from './ConfusionMatrix';
import { pointAt, PrecisionRecallChart } from './PrecisionRecallChart';
import { ScrollRegion } from './ScrollRegion';
import { Loading } from './States';
import './evaluation.css';

const DEFAULT_THRESHOLD = 0.5;

export function thresholdOf(value: string | null): number {
  const x = Number(value ?? DEFAULT_THRESHOLD);
  return Number.isFinite(x) ? Math.round(Math.min(1, Math.max(0, x)) * 100) / 100 : DEFAULT_THRESHOLD;
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * A trained model's TEST report, like Vertex AI's: a score threshold (in the URL as `threshold`) moves a
 * marker along the precision-recall curve and sets the metrics and the per-class table; the confusion
 * matrix opens each cell's photos; a note says what the model cannot know.
 */
export function Evaluation({ modelId, evaluation }: { modelId: string; evaluation: ExplorerEvaluationFieldsFragment }) {
  const [params, setParams] = useQueryState();
  const threshold = thresholdOf(params.get('threshold'));
  const asked = useDebounced(threshold, 120);
  // No cache: an evaluation has no id of its own, so this selection would replace the page's cached one.
  const metrics = useQuery(ExplorerEvaluationAtThresholdDocument, { variables: { threshold: asked }, fetchPolicy: 'no-cache' });
  const atThreshold = (metrics.data ?? metrics.previousData)?.models.find((m) => m.id === modelId)?.evaluation?.atThreshold;
  const curve = evaluation.precisionRecallCurve;
  const point = pointAt(curve, threshold) ?? atThreshold;
  const [cell, setCell] = useState<MatrixCell | null>(null);
  const id = useId();
  const labels = evaluation.confusionMatrix.labels;
  const closeCell = () => {
    if (!cell) return;
    const opener = document.getElementById(cellButtonId(id, cell));
    setCell(null);
    opener?.focus();
  };
  return (
    <section aria-labelledby="evaluation-heading">
      <h3 id="evaluation-heading">Evaluation on the TEST split</h3>
      <dl className="facts">
        <dt>Images</dt>
        <dd>{formatCount(evaluation.examples)}</dd>
        <dt>Accuracy</dt>
        <dd>{formatPercent(evaluation.accuracy)}</dd>
        <dt>auPRC</dt>
        <dd>{evaluation.auPrc.toFixed(3)}</dd>
        <dt>Log loss</dt>
        <dd>{evaluation.logLoss.toFixed(3)}</dd>
      </dl>

      <div className="ood-note" role="note" aria-label="Photos unlike the training data">
        <p>
          <strong>This model only knows its {formatCount(labels.length)} labels</strong> ({labels.slice(0, 8).join(', ')}
          {labels.length > 8 ? ', …' : ''}). It gives every photo one of them, even a photo unlike anything it was trained on, sometimes with a high score.
        </p>
        <p>
          Below a top score of <strong>{formatPercent(evaluation.unknownThreshold)}</strong> (reached by 95% of the TEST photos it classified right) the explorer says &ldquo;None
          of these classes&rdquo;.
        </p>
      </div>

      <h4>Score threshold</h4>
      <div className="threshold-panel">
        <div className="field threshold-field">
          <label htmlFor={`${id}-threshold`}>Score threshold</label>
          <span className="slider">
            <input
              id={`${id}-threshold`}
              type="range"
              min={0}
              max={1}
              step={0.01}
              value={threshold}
              aria-valuetext={threshold.toFixed(2)}
              onChange={(event) => setParams({ threshold: event.target.value }, { replace: true })}
            />
            <output htmlFor={`${id}-threshold`}>{threshold.toFixed(2)}</output>
          </span>
          <span className="muted">A label counts as given when its score is at least the threshold.</span>
        </div>
        <ul className="threshold-metrics" aria-label={`Metrics at threshold ${threshold.toFixed(2)}`}>
          <Metric name="Precision" value={point ? formatPercent(point.precision) : '…'} />
          <Metric name="Recall" value={point ? formatPercent(point.recall) : '…'} />
          <Metric name="F1" value={point ? point.f1.toFixed(3) : '…'} />
          <Metric name="Unlabelled photos" value={atThreshold ? `${formatCount(atThreshold.unlabelled)} of ${formatCount(evaluation.examples)}` : '…'} />
        </ul>
        {curve.length > 0 ? (
          <PrecisionRecallChart curve={curve} threshold={threshold} auPrc={evaluation.auPrc} />
        ) : (
          <p className="muted">This evaluation was written before its TEST scores were kept: no curve, and the metrics are the nearest ones it has.</p>
        )}
      </div>

      <h4>Per class (threshold {(atThreshold?.threshold ?? threshold).toFixed(2)})</h4>
      {!atThreshold && metrics.loading && <Loading what="Computing the metrics at this threshold" />}
      {atThreshold && (
        <ScrollRegion label="Per-class metrics">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">Precision</th>
                <th scope="col">Recall</th>
                <th scope="col" className="num">
                  F1
                </th>
                <th scope="col" className="num">
                  Images
                </th>
              </tr>
            </thead>
            <tbody>
              {atThreshold.perClass.map((c) => (
                <tr key={c.label}>
                  <th scope="row">{c.label}</th>
                  <td>
                    <Meter value={c.precision} />
                  </td>
                  <td>
                    <Meter value={c.recall} />
                  </td>
                  <td className="num">{c.f1.toFixed(2)}</td>
                  <td className="num">{c.support}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}

      <h4>Confusion matrix</h4>
      <p className="muted">Each count opens its TEST photos.</p>
      <ScrollRegion label="Confusion matrix">
        <ConfusionMatrix matrix={evaluation.confusionMatrix} idPrefix={id} selected={cell} onSelect={setCell} panelId={`${id}-cell`} />
      </ScrollRegion>
      {cell && <CellPhotos key={`${cell.trueLabel}\n${cell.predictedLabel}`} modelId={modelId} cell={cell} id={`${id}-cell`} onClose={closeCell} />}
    </section>
  );
}

function Metric({ name, value }: { name: string; value: string }) {
  return (
    <li>
      <span className="metric-name">{name}</span>
      <span className="metric-value">{value}</span>
    </li>
  );
}

function Meter({ value }: { value: number }) {
  return (
    <span className="score">
      <span className="score-bar" style={{ width: formatPercent(value, 0) }} />
      <span className="score-text">{formatPercent(value)}</span>
    </span>
  );
}
