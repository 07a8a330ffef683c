import { MapChart } from 'echarts/charts';
import * as echarts from 'echarts/core';
import { mount } from './charts.js';
import { type CountryShape, countryNames, worldShapes } from './countries.js';
import { human } from './dom.js';

echarts.use([MapChart]);

let names: Map<string, string> | undefined;

/** Registers the world outlines once (decoding the TopoJSON costs a few ms; pages re-render often). */
function world(): Map<string, string> {
  if (!names) {
    const shapes = worldShapes();
    echarts.registerMap('world', shapes as unknown as Parameters<typeof echarts.registerMap>[1]);
    names = countryNames(shapes);
  }
  return names;
}

/** Display name of an alpha-2 country code (the code when the map has no shape for it). */
export function countryName(code: string): string {
  return world().get(code) ?? code;
}

export interface CountryValue {
  code: string;
  value: number;
  denied: number;
}

/** Choropleth of a metric per country; clicking a country with traffic drills down. */
export function worldMap(rows: CountryValue[], unit: string, onClick?: (code: string) => void): HTMLElement {
  const known = world();
  const data = rows
    .filter((r) => known.has(r.code))
    .map((r) => ({ name: r.code, value: r.value, denied: r.denied }));
  const max = Math.max(1, ...data.map((d) => d.value));
  const option = {
    tooltip: {
      trigger: 'item',
      formatter: (p: { name: string; data?: { value: number; denied: number } }) =>
        p.data
          ? `${countryName(p.name)} (${p.name})<br>${human(p.data.value, unit)}, denied ${human(p.data.denied, unit)}`
          : `${countryName(p.name)}: no traffic`,
    },
    visualMap: {
      min: 0,
      max,
      left: 8,
      bottom: 8,
      calculable: true,
      inRange: { color: ['#dbe9f6', '#2f7ed8', '#08306b'] },
      formatter: (v: number) => human(v, unit),
    },
    series: [
      {
        type: 'map',
        map: 'world',
        nameProperty: 'code' satisfies keyof CountryShape,
        roam: true,
        emphasis: { label: { show: false } },
        itemStyle: { areaColor: '#f2f2f2', borderColor: '#999', borderWidth: 0.5 },
        data,
      },
    ],
  };
  // The geo layout divides by the element's size, which is 0 until the slot attaches it: set the map
  // after layout (mount's own resize runs first, in the same frame).
  const { el, chart } = mount({}, 420);
  requestAnimationFrame(() => chart.setOption(option));
  chart.getDom().dataset.countries = String(data.length);
  if (onClick) {
    chart.on('click', (p) => {
      const d = p as { name: string; data?: unknown };
      if (d.data) onClick(d.name);
    });
  }
  return el;
}
