import { formatPercent } from '../../lib/format';
import { latestPerPhase, PHASE_HINTS, PHASE_NAMES, type TrainingEpochView } from './trainingPhases';

/** The charts' text alternative: per phase, epochs done and the latest figures. */
export function TrainingFigures({ id, history }: { id: string; history: readonly TrainingEpochView[] }) {
  const phases = latestPerPhase(history);
  return (
    <table id={id} className="training-figures">
      <caption>Latest figures per phase</caption>
      <thead>
        <tr>
          <th scope="col">Phase</th>
          <th scope="col">Epochs done</th>
          <th scope="col">Loss</th>
          <th scope="col">Validation accuracy</th>
        </tr>
      </thead>
      <tbody>
        {phases.map(({ phase, last, bestAccuracy }) => (
          <tr key={phase} data-phase={phase}>
            <th scope="row">
              <span className={`phase-swatch phase-${phase.toLowerCase()}`} aria-hidden="true" />
              {PHASE_NAMES[phase]} <span className="muted training-phase-hint">({PHASE_HINTS[phase]})</span>
            </th>
            <td>
              {last.phaseEpoch} / {last.phaseEpochs}
            </td>
            <td>{last.loss.toFixed(4)}</td>
            <td>
              {last.validationAccuracy == null ? '–' : formatPercent(last.validationAccuracy)}
              {bestAccuracy != null && bestAccuracy !== last.validationAccuracy && <span className="muted"> (best {formatPercent(bestAccuracy)})</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
