import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import type { TrainingPhase } from '../../generated/graphql';
import { PHASE_NAMES, PHASES, type TrainingEpochView } from './trainingPhases';
import './training.css';

/** Line colours per phase (>= 3:1 on white, as WCAG asks of graphics); REFIT is dashed too, so colour is not the only cue. */
const PHASE_STYLE: Record<TrainingPhase, { stroke: string; dash?: number[]; band: string }> = {
  HEAD: { stroke: '#1664b4', band: '#eef4fb' },
  FINE_TUNE: { stroke: '#a34d00', band: '#fbf1e6' },
  REFIT: { stroke: '#2b7a3d', dash: [6, 4], band: '#edf6ef' },
};

/** A run of consecutive epochs of one phase, shaded behind the lines and named at its top. */
interface Band {
  phase: TrainingPhase;
  from: number;
  to: number;
}

function bandsOf(history: readonly TrainingEpochView[]): Band[] {
  const bands: Band[] = [];
  for (const entry of history) {
    const last = bands[bands.length - 1];
    if (last?.phase === entry.phase) last.to = entry.epoch;
    else bands.push({ phase: entry.phase, from: entry.epoch, to: entry.epoch });
  }
  return bands;
}

function drawBands(plot: uPlot, bands: readonly Band[]): void {
  const { ctx, bbox } = plot;
  const ratio = window.devicePixelRatio || 1;
  ctx.save();
  ctx.font = `${12 * ratio}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  for (const band of bands) {
    const left = Math.max(bbox.left, plot.valToPos(band.from - 0.5, 'x', true));
    const right = Math.min(bbox.left + bbox.width, plot.valToPos(band.to + 0.5, 'x', true));
    if (right <= left) continue;
    ctx.fillStyle = PHASE_STYLE[band.phase].band;
    ctx.fillRect(left, bbox.top, right - left, bbox.height);
    ctx.fillStyle = '#1d2330';
    ctx.fillText(PHASE_NAMES[band.phase], left + 4 * ratio, bbox.top + 4 * ratio, right - left - 8 * ratio);
  }
  ctx.restore();
}
const HEIGHT = 220;

interface ChartSpec {
  id: string;
  title: string;
  /** Null where the epoch has no figure (REFIT has no validation). */
  value: (epoch: TrainingEpochView) => number | null | undefined;
  format: (value: number) => string;
  range?: [number, number];
}

const CHARTS: ChartSpec[] = [
  { id: 'loss', title: 'Training loss', value: (epoch) => epoch.loss, format: (value) => value.toFixed(3) },
  {
    id: 'accuracy',
    title: 'Validation accuracy',
    value: (epoch) => (epoch.validationAccuracy == null ? null : epoch.validationAccuracy * 100),
    format: (value) => `${value.toFixed(0)}%`,
    range: [0, 100],
  },
];

/**
 * Training loss and validation accuracy per epoch (x: the job's overall epoch), one line per phase so
 * the legend names head, fine-tuning and refit, over shaded bands named after their phase. uPlot and its CSS are loaded on first draw: chart code
 * stays out of the explorer's initial JS. The charts are images to assistive technology, described by
 * the text alternative the page shows next to them (`describedBy`).
 */
export function TrainingCharts({ history, describedBy }: { history: readonly TrainingEpochView[]; describedBy: string }) {
  return (
    <div className="training-charts">
      {CHARTS.map((spec) => (
        <Chart key={spec.id} spec={spec} history={history} describedBy={describedBy} />
      ))}
    </div>
  );
}

function Chart({ spec, history, describedBy }: { spec: ChartSpec; history: readonly TrainingEpochView[]; describedBy: string }) {
  const target = useRef<HTMLDivElement>(null);
  const chart = useRef<{ plot: uPlot; phases: string } | null>(null);
  const [failed, setFailed] = useState(false);
  // Read by the draw hook, so a redraw after setData shades the bands of the history it draws.
  const bands = useRef<Band[]>([]);
  bands.current = bandsOf(history);
  const phases = PHASES.filter((phase) => history.some((epoch) => epoch.phase === phase && spec.value(epoch) != null));
  const data = alignedData(history, phases, spec);

  useEffect(() => {
    let cancelled = false;
    const element = target.current;
    if (!element) return undefined;
    const key = phases.join(',');
    if (chart.current?.phases === key) {
      chart.current.plot.setData(data);
      return undefined;
    }
    if (phases.length === 0) return undefined;
    Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')])
      .then(([{ default: UPlot }]) => {
        if (cancelled) return;
        chart.current?.plot.destroy();
        const plot = new UPlot(
          options(spec, phases, element.clientWidth, () => bands.current),
          data,
          element,
        );
        chart.current = { plot, phases: key };
      })
      .catch(() => setFailed(true));
    return () => {
      cancelled = true;
    };
    // `data` is derived from `history`, `phases` and `spec`.
  }, [history, spec]);

  useEffect(() => {
    const element = target.current;
    if (!element || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => chart.current?.plot.setSize({ width: element.clientWidth, height: HEIGHT }));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(
    () => () => {
      chart.current?.plot.destroy();
      chart.current = null;
    },
    [],
  );

  const titleId = `training-chart-${spec.id}`;
  return (
    <figure className="training-chart" data-testid={`chart-${spec.id}`} data-points={history.filter((epoch) => spec.value(epoch) != null).length}>
      <figcaption id={titleId}>{spec.title} per epoch</figcaption>
      {phases.length === 0 ? (
        <p className="muted">{spec.id === 'accuracy' ? 'No validation figures yet (none without VALIDATION photos).' : 'Drawn as epochs finish.'}</p>
      ) : failed ? (
        <p className="muted">The chart could not be loaded; the figures are in the table below.</p>
      ) : null}
      <div ref={target} role="img" aria-labelledby={titleId} aria-describedby={describedBy} hidden={phases.length === 0 || failed} />
    </figure>
  );
}

function alignedData(history: readonly TrainingEpochView[], phases: TrainingPhase[], spec: ChartSpec): uPlot.AlignedData {
  const x = history.map((epoch) => epoch.epoch);
  const series = phases.map((phase) => history.map((epoch) => (epoch.phase === phase ? (spec.value(epoch) ?? null) : null)));
  return [x, ...series];
}

function options(spec: ChartSpec, phases: TrainingPhase[], width: number, bands: () => readonly Band[]): uPlot.Options {
  return {
    hooks: { drawClear: [(plot) => drawBands(plot, bands())] },
    width: Math.max(width, 200),
    height: HEIGHT,
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false }, y: spec.range ? { range: spec.range } : {} },
    axes: [
      { label: 'epoch', stroke: '#1d2330', grid: { stroke: '#e4e7ec' }, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] },
      { stroke: '#1d2330', grid: { stroke: '#e4e7ec' }, values: (_plot, ticks) => ticks.map(spec.format), size: 56 },
    ],
    series: [
      { label: 'epoch' },
      ...phases.map((phase) => ({
        label: PHASE_NAMES[phase],
        stroke: PHASE_STYLE[phase].stroke,
        dash: PHASE_STYLE[phase].dash,
        width: 2,
        points: { show: true, size: 5 },
        value: (_plot: uPlot, value: number | null) => (value == null ? '–' : spec.format(value)),
      })),
    ],
  };
}
