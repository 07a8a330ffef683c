import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RulesConfigSchema } from '../../../core/config/sections/rules.js';
import { makeFlow, makeRule } from '../model/build.js';
import { compileRule } from '../model/compile.js';
import { matches } from '../model/match.js';
import { reportOptionsFromConfig, resolveWindow } from './from-config.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-rules-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reportOptionsFromConfig', () => {
  it('resolves service tags from the Azure Service Tags file and ASGs from config', async () => {
    const file = join(dir, 'ServiceTags_Public_20261123.json');
    writeFileSync(
      file,
      JSON.stringify({
        changeNumber: 1,
        cloud: 'Public',
        values: [
          {
            name: 'Storage.WestEurope',
            id: 'Storage.WestEurope',
            properties: { addressPrefixes: ['20.38.108.0/23', '2603:1020:205::/48'] },
          },
        ],
      }),
    );
    const opts = await reportOptionsFromConfig(
      RulesConfigSchema.parse({ serviceTagsFile: file, asgMembers: { web: ['10.0.1.4'] }, maxShare: 0.25 }),
    );
    const rule = compileRule(
      makeRule({
        name: 'r',
        priority: 100,
        direction: 'outbound',
        sourceAsgs: [
          '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/web',
        ],
        sourceAddresses: [],
        destinationAddresses: ['Storage.WestEurope'],
      }),
      opts.ctx,
    );
    expect(
      matches(rule, makeFlow({ src: '10.0.1.4', dst: '20.38.109.5', dstPort: 443, direction: 'outbound' })),
    ).toBe(true);
    expect(
      matches(
        rule,
        makeFlow({ src: '10.0.1.4', dst: '2603:1020:205::9', dstPort: 443, direction: 'outbound' }),
      ),
    ).toBe(true);
    expect(
      matches(rule, makeFlow({ src: '10.0.1.5', dst: '20.38.109.5', dstPort: 443, direction: 'outbound' })),
    ).toBe(false);
    expect(opts.tighten.maxShare).toBe(0.25);
  });

  it.each([
    ['missing file', join(dir, 'nope.json'), /service tags file .*nope.json/],
    ['not the service tags shape', 'bad', /service tags file/],
  ])('reports a %s as a configuration error', async (_n, name, want) => {
    const file = name === 'bad' ? join(dir, 'bad.json') : name;
    if (name === 'bad') writeFileSync(file, '{"values":[{"name":1}]}');
    await expect(
      reportOptionsFromConfig(RulesConfigSchema.parse({ serviceTagsFile: file })),
    ).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringMatching(want) });
  });
});

describe('resolveWindow', () => {
  const now = new Date('2026-11-29T00:00:00Z');
  it.each([
    [{}, { from: '2026-10-30T00:00:00.000Z', to: '2026-11-29T00:00:00.000Z' }],
    [{ to: '2026-11-01' }, { from: '2026-10-02T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' }],
    [
      { from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z' },
      { from: '2026-11-20T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' },
    ],
    [{ from: 'soon' }, '--from: not a date/time: soon'],
    [{ from: '2026-11-22', to: '2026-11-21' }, '--from must be before --to'],
  ])('%j', (input, want) => expect(resolveWindow(input, 30, now)).toEqual(want));
});
