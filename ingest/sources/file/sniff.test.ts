import { describe, expect, it } from 'vitest';
import { notFlowLog } from './sniff.js';

const sniff = (text: string) => notFlowLog(Buffer.from(text));

describe('notFlowLog (first-bytes sniff)', () => {
  it('skips JSON that plainly is no flow log', () => {
    // flowlens simulate's nsgs.json and ground-truth.json
    expect(sniff('{\n  "value": [\n    { "name": "web-nsg", "properties": {} } ]}')).toMatch(/keys: value/);
    expect(sniff('[\n  {\n    "category": "port-scan",\n    "subject": {"ip": "10.0.0.1"},')).toMatch(
      /category, subject/,
    );
    // one NSG as ARM returns it (has `properties`), az network nsg list, an ARM template
    expect(
      sniff(
        '{"name":"n","id":"/subscriptions/x","etag":"W/1","type":"Microsoft.Network/networkSecurityGroups","location":"westeurope","properties":{"securityRules":[]}}',
      ),
    ).not.toBeNull();
    expect(
      sniff('[{"defaultSecurityRules":[],"etag":"W/1","id":"/subscriptions/x","name":"n"}]'),
    ).not.toBeNull();
    expect(
      sniff(
        '\uFEFF{"$schema":"https://schema.management.azure.com/…/deploymentTemplate.json#","resources":[]}',
      ),
    ).not.toBeNull();
  });

  it('lets every flow-log shape and all garbage through to the normalizer', () => {
    for (const text of [
      '{"records":[{"time":"2024-01-01T00:00:00Z"',
      '\uFEFF  {"records":[',
      '[{"time":"x","properties":{"flows":[]}}]',
      '{"time":"2024-01-01T00:00:00Z","resourceId":"/S/X","nsgRuleName":"r","startTime":"1"}\n{"time":',
      '{"time":"2018-06-21T13:06:52Z","nsgRuleName":"r","rt":"1","src":"a","dst":"b","spt":"1","dpt":"2"}',
      '{"properties":{"Version":"1.0","flows":[]},"resourceId":"394f647d-2ed0-4c31-87c5-389b8c0c8132"}',
      '',
      'not json at all',
      '\u0000\u00ff{"x"',
      '{}',
      '{"recor',
      '[1,2,3]',
    ]) {
      expect(sniff(text), text).toBeNull();
    }
  });
});
