import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import { formatPercent } from '../lib/format';
import './evaluation.css';

export interface CurvePoint {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

const HEIGHT = 260;

/** The curve's point at `threshold` (the curve has one per 0.01). */
export function pointAt(curve: CurvePoint[], threshold: number): CurvePoint | undefined {
  let best: CurvePoint | undefined;
  for (const point of curve) if (!best || Math.abs(point.threshold - threshold) < Math.abs(best.threshold - threshold)) best = point;
  return best;
}

/** Recall on x (ascending, so highest threshold first), precision on y; the marker series is empty but at `threshold`. */
function plotData(points: CurvePoint[], threshold: number): uPlot.AlignedData {
  const marked = pointAt(points, threshold);
  return [points.map((p) => p.recall), points.map((p) => p.precision), points.map((p) => (p === marked ? p.precision : null))];
}

/**
 * The micro-averaged precision-recall curve with a marker at the current threshold, drawn by uPlot. uPlot
 * and its CSS are imported here, on first draw, so only pages that draw load them. The canvas is hidden
 * from screen readers; the figure's name and summary say what it shows.
 */
export function PrecisionRecallChart({ curve, threshold, auPrc }: { curve: CurvePoint[]; threshold: number; auPrc: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latestThreshold = useRef(threshold);
  latestThreshold.current = threshold;
  const [failed, setFailed] = useState<string | null>(null);
  const [drawn, setDrawn] = useState(false);
  const id = useId();
  const points = useMemo(() => [...curve].sort((a, b) => b.threshold - a.threshold), [curve]);

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      const [{ default: UPlot }] = await Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]);
      const target = box.current;
      if (cancelled || !target) return;
      const options: uPlot.Options = {
        width: Math.max(200, target.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1.02] } },
        axes: [
          { label: 'Recall', stroke: '#1d2330', grid: { stroke: '#e3e7ed' }, values: (_u, ticks) => ticks.map((t) => formatPercent(t, 0)) },
          { label: 'Precision', stroke: '#1d2330', grid: { stroke: '#e3e7ed' }, values: (_u, ticks) => ticks.map((t) => formatPercent(t, 0)) },
        ],
        series: [
          {},
          { label: 'Precision', stroke: '#1664b4', width: 2, fill: 'rgba(22, 100, 180, 0.08)', points: { show: false } },
          { label: 'Threshold', stroke: '#8a4b00', width: 0, paths: () => null, points: { show: true, size: 12, width: 2, stroke: '#5c3200', fill: '#f0a020' } },
        ],
      };
      plot.current = new UPlot(options, plotData(points, latestThreshold.current), target);
      setDrawn(true);
    };
    load().catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
      plot.current?.destroy();
      plot.current = null;
    };
  }, [points]);

  useEffect(() => {
    plot.current?.setData(plotData(points, threshold), false);
    plot.current?.redraw(false, false);
  }, [points, threshold, drawn]);

  useEffect(() => {
    const target = box.current;
    if (!target) return undefined;
    const observer = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, target.clientWidth), height: HEIGHT }));
    observer.observe(target);
    return () => observer.disconnect();
  }, []);

  const at = pointAt(curve, threshold);
  const summary = `auPRC ${auPrc.toFixed(2)}; at threshold ${threshold.toFixed(2)}: precision ${formatPercent(at?.precision ?? 0, 0)}, recall ${formatPercent(at?.recall ?? 0, 0)}`;
  return (
    <figure className="pr-chart" role="group" aria-labelledby={`${id}-caption`} aria-describedby={`${id}-summary`}>
      <figcaption id={`${id}-caption`}>Precision-recall curve (micro-averaged over every TEST photo and label)</figcaption>
      <div ref={box} className="pr-chart-canvas" role="img" aria-label={`Precision-recall curve: ${summary}`} data-drawn={drawn ? 'true' : undefined} />
      <p id={`${id}-summary`} className="visually-hidden">
        {summary}. Each point is one threshold from 0 to 1; lowering the threshold raises recall and usually lowers precision.
      </p>
      {failed && <p className="muted">The chart could not be drawn ({failed}); the figures below say the same.</p>}
    </figure>
  );
}
