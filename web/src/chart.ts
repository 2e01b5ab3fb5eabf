// Bar charts with uPlot: a chunk of its own, loaded by the planning screen only.
import uPlot from 'uplot';

export interface BarSpec {
  labels: string[];
  values: number[];
  name: string;
  color: string;
  format: (v: number) => string;
  line?: { name: string; values: Array<number | null>; color: string };
}

export function barChart(el: HTMLElement, spec: BarSpec): () => void {
  const xs = spec.labels.map((_, i) => i);
  const series: uPlot.Series[] = [
    { label: 'Fiscal year', value: (_u, v) => (v == null ? '—' : spec.labels[v] ?? '') },
    {
      label: spec.name,
      fill: spec.color,
      stroke: spec.color,
      width: 0,
      paths: uPlot.paths.bars!({ size: [0.6, 80] }),
      points: { show: false },
      value: (_u, v) => (v == null ? '—' : spec.format(v)),
    },
  ];
  const data: uPlot.AlignedData = [xs, spec.values];
  if (spec.line) {
    series.push({ label: spec.line.name, stroke: spec.line.color, width: 2, dash: [6, 4], points: { show: false }, value: (_u, v) => (v == null ? '—' : spec.format(v)) });
    data.push(spec.line.values as number[]);
  }
  const width = () => Math.max(280, el.clientWidth);
  const plot = new uPlot(
    {
      width: width(),
      height: 260,
      series,
      scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } },
      axes: [
        { values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? spec.labels[s] ?? '' : '')), splits: () => xs, grid: { show: false } },
        { values: (_u, splits) => splits.map((s) => spec.format(s)), size: 80 },
      ],
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
    },
    data,
    el,
  );
  const onResize = () => plot.setSize({ width: width(), height: 260 });
  window.addEventListener('resize', onResize);
  return () => {
    window.removeEventListener('resize', onResize);
    plot.destroy();
  };
}
