import type { FeatureCollection, Geometry } from 'geojson';
import codes from 'i18n-iso-countries/codes.json' with { type: 'json' };
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlas from 'world-atlas/countries-110m.json' with { type: 'json' };

/**
 * The enrichment reports countries as ISO 3166-1 alpha-2 codes (`remote_country`); world-atlas
 * (Natural Earth 1:110m, public domain, via the ISC-licensed npm package) keys its shapes by ISO
 * 3166-1 numeric ids. The join uses i18n-iso-countries' code table (MIT), bundled so the map
 * works air-gapped.
 */
const NUMERIC_TO_ALPHA2 = new Map<string, string>((codes as string[][]).map((c) => [c[2]!, c[0]!]));

/** Shapes Natural Earth leaves without an ISO numeric id but the IP data does name. */
const BY_NAME: Record<string, string> = { Kosovo: 'XK' };

export interface CountryShape {
  /** ISO alpha-2 code, or '' for territories the IP data has no code for (e.g. N. Cyprus). */
  code: string;
  name: string;
}

/** Alpha-2 code for a world-atlas shape (numeric id, or name for the few without an id). */
export function alpha2Of(shape: { id?: string | number | undefined; name: string }): string {
  const id = shape.id === undefined ? '' : String(shape.id).padStart(3, '0');
  return NUMERIC_TO_ALPHA2.get(id) ?? BY_NAME[shape.name] ?? '';
}

/** Country outlines as GeoJSON, each feature's `code` property its alpha-2 code. */
export function worldShapes(): FeatureCollection<Geometry, CountryShape> {
  const topo = atlas as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const fc = feature(topo, topo.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  return {
    type: 'FeatureCollection',
    features: fc.features
      // Antarctica takes a fifth of a flat map and sends no traffic worth a colour.
      .filter((f) => f.properties.name !== 'Antarctica')
      .map((f) => ({
        ...f,
        geometry: unwrapped(f.geometry),
        properties: { name: f.properties.name, code: alpha2Of({ id: f.id, name: f.properties.name }) },
      })),
  };
}

type Ring = number[][];

/**
 * Rings crossing the antimeridian (Russia's Chukotka, Fiji) jump from +180 to -180 and draw a line
 * across the whole map; moving their western points east by 360° keeps them in one piece.
 */
function unwrapRing(ring: Ring): Ring {
  const jumps = ring.some((p, i) => i > 0 && Math.abs(p[0]! - ring[i - 1]![0]!) > 180);
  return jumps ? ring.map(([x, y]) => [x! < 0 ? x! + 360 : x!, y!]) : ring;
}

function unwrapped(g: Geometry): Geometry {
  if (g.type === 'Polygon') return { ...g, coordinates: g.coordinates.map(unwrapRing) };
  if (g.type === 'MultiPolygon') return { ...g, coordinates: g.coordinates.map((p) => p.map(unwrapRing)) };
  return g;
}

/** Display name of an alpha-2 code from the shapes (tooltips, tables); the code itself when unknown. */
export function countryNames(shapes: FeatureCollection<Geometry, CountryShape>): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of shapes.features) if (f.properties.code) out.set(f.properties.code, f.properties.name);
  return out;
}
