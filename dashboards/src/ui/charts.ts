import { BarChart, HeatmapChart, LineChart, SankeyChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { SeriesResponse } from '../api.js';
import { h, human } from './dom.js';

echarts.use([
  LineChart,
  BarChart,
  HeatmapChart,
  SankeyChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  VisualMapComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

/** Charts created on the current page, disposed when the page re-renders. */
const live = new Set<echarts.ECharts>();

export function disposeCharts(): void {
  for (const c of live) c.dispose();
  live.clear();
}

window.addEventListener('resize', () => {
  for (const c of live) c.resize();
});

/** Creates a chart in a new element, disposed with the page (other chart modules build on it). */
export function mount(
  option: echarts.EChartsCoreOption,
  height = 260,
): { el: HTMLElement; chart: echarts.ECharts } {
  const el = h('div', { class: 'chart', style: `height:${height}px` });
  // ECharts needs a laid-out element; init after the element is attached.
  const chart = echarts.init(el, undefined, { renderer: 'canvas' });
  live.add(chart);
  chart.setOption({ animation: false, ...option });
  requestAnimationFrame(() => chart.resize());
  return { el, chart };
}

const PALETTE: Record<string, string> = {
  'allow inbound': '#2f7ed8',
  'allow outbound': '#5cb85c',
  'deny inbound': '#d9534f',
  'deny outbound': '#f0ad4e',
  allow: '#2f7ed8',
  deny: '#d9534f',
  inbound: '#2f7ed8',
  outbound: '#5cb85c',
};

/** Time series as stacked areas; legend per series key. */
export function seriesChart(
  data: SeriesResponse,
  unit: string,
  onClick?: (key: Record<string, string | number>) => void,
): HTMLElement {
  const series = data.series.map((s) => {
    const name = Object.values(s.key).join(' ') || 'total';
    return {
      name,
      type: 'line',
      stack: 'total',
      areaStyle: { opacity: 0.6 },
      symbol: 'none',
      lineStyle: { width: 1 },
      color: PALETTE[name],
      data: s.points.map(([t, v]) => [t, v]),
      key: s.key,
    };
  });
  const { el, chart } = mount({
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => human(v, unit) },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 60, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => human(v, unit) } },
    series,
  });
  if (onClick) {
    chart.on('click', (p) => {
      const s = series[(p as { seriesIndex: number }).seriesIndex];
      if (s) onClick(s.key);
    });
  }
  return el;
}

/** Horizontal bars (top-N); clicking a bar drills down. */
export function barChart(
  rows: { label: string; value: number; denied?: number }[],
  unit: string,
  onClick?: (index: number) => void,
): HTMLElement {
  const labels = rows.map((r) => r.label).reverse();
  const allowed = rows.map((r) => r.value - (r.denied ?? 0)).reverse();
  const denied = rows.map((r) => r.denied ?? 0).reverse();
  const { el, chart } = mount(
    {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: number) => human(v, unit),
      },
      legend: { top: 0, data: ['allowed', 'denied'] },
      grid: { left: 130, right: 24, top: 28, bottom: 24 },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => human(v, unit) } },
      yAxis: { type: 'category', data: labels, axisLabel: { width: 120, overflow: 'truncate' } },
      series: [
        { name: 'allowed', type: 'bar', stack: 't', data: allowed, color: '#2f7ed8' },
        { name: 'denied', type: 'bar', stack: 't', data: denied, color: '#d9534f' },
      ],
    },
    Math.max(160, 28 + rows.length * 22),
  );
  if (onClick) chart.on('click', (p) => onClick(rows.length - 1 - (p as { dataIndex: number }).dataIndex));
  return el;
}

/** Source × destination heatmap (segmentation). */
export function heatmap(
  xs: string[],
  ys: string[],
  cells: [number, number, number][],
  unit: string,
  onClick?: (x: string, y: string) => void,
): HTMLElement {
  const max = Math.max(1, ...cells.map((c) => c[2]));
  const { el, chart } = mount(
    {
      tooltip: {
        formatter: (p: { value: [number, number, number] }) =>
          `${ys[p.value[1]]} → ${xs[p.value[0]]}<br>${human(p.value[2], unit)}`,
      },
      grid: { left: 130, right: 24, top: 16, bottom: 110 },
      xAxis: { type: 'category', data: xs, name: 'destination', axisLabel: { rotate: 45 } },
      yAxis: { type: 'category', data: ys, name: 'source' },
      visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
      series: [
        {
          type: 'heatmap',
          data: cells,
          label: { show: cells.length < 80, formatter: (p: { value: number[] }) => human(p.value[2] ?? 0) },
        },
      ],
    },
    Math.max(260, 140 + ys.length * 26),
  );
  if (onClick) {
    chart.on('click', (p) => {
      const v = (p as unknown as { value: [number, number, number] }).value;
      onClick(xs[v[0]]!, ys[v[1]]!);
    });
  }
  return el;
}
