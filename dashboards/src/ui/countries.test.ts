import { describe, expect, it } from 'vitest';
import { alpha2Of, countryNames, worldShapes } from './countries.js';

describe('world map shapes', () => {
  const shapes = worldShapes();

  it('joins world-atlas numeric ids to the enrichment’s alpha-2 codes', () => {
    expect(alpha2Of({ id: '840', name: 'United States of America' })).toBe('US');
    expect(alpha2Of({ id: 36, name: 'Australia' })).toBe('AU');
    expect(alpha2Of({ name: 'Kosovo' })).toBe('XK');
    const names = countryNames(shapes);
    expect(names.get('JP')).toBe('Japan');
    expect(names.get('DE')).toBe('Germany');
    // Only territories without an ISO code stay unjoined.
    const unjoined = shapes.features.filter((f) => !f.properties.code).map((f) => f.properties.name);
    expect(unjoined.sort()).toEqual(['N. Cyprus', 'Somaliland']);
  });

  it('has no ring that jumps across the map (antimeridian) and no Antarctica', () => {
    const rings = shapes.features.flatMap((f) =>
      f.geometry.type === 'Polygon'
        ? f.geometry.coordinates
        : f.geometry.type === 'MultiPolygon'
          ? f.geometry.coordinates.flat()
          : [],
    );
    expect(rings.length).toBeGreaterThan(200);
    const jumps = rings.filter((r) => r.some((p, i) => i > 0 && Math.abs(p[0]! - r[i - 1]![0]!) > 180));
    expect(jumps).toEqual([]);
    expect(shapes.features.some((f) => f.properties.name === 'Antarctica')).toBe(false);
  });
});
