import type { Source, SourceBatch } from '../../../ingest/contracts.js';
import { normalize } from '../../../ingest/normalizers/index.js';
import { defineSource } from '../../../ingest/sources/component.js';
import { type DummySourceConfig, DummySourceConfigSchema } from './config.js';

/**
 * A source kind that lives outside ingest/: proof that adding a kind is this folder plus one line in
 * a registry (test/integration/source-components.test.ts). It reads nothing: its bodies are NSG
 * flow log v2 blobs made from its config, one record each.
 */
export const dummySource = defineSource({
  kind: 'dummy',
  config: DummySourceConfigSchema,
  finite: true,
  create: (cfg) => ({ source: createDummySource(cfg), normalize }),
});

const NSG =
  '/SUBSCRIPTIONS/0000-1111/RESOURCEGROUPS/RG-DUMMY/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-DUMMY';

export function createDummySource(cfg: DummySourceConfig): Source & { stops: number } {
  const startMs = Date.parse(cfg.startTime);
  const key = `dummy/${cfg.name ?? 'dummy'}`;
  let stopped = false;
  const state = {
    name: key,
    stops: 0,
    async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch> {
      const per = Math.ceil(cfg.tuples / cfg.bodies);
      for (let start = 0; start < cfg.tuples; start += per) {
        if (signal.aborted || stopped) return;
        const end = Math.min(cfg.tuples, start + per);
        const body = Buffer.from(JSON.stringify({ records: [record(startMs, start, end)] }));
        yield {
          body,
          position: { kind: 'dummy', key, start, end },
          dataTimeMs: startMs + (end - 1) * 1000,
          ack: async () => {},
        };
      }
    },
    async stop() {
      stopped = true;
      state.stops++;
    },
  };
  return state;
}

/** One NSG v2 record with tuples `from`..`to` (one per second from `startMs`). */
function record(startMs: number, from: number, to: number): object {
  const tuples: string[] = [];
  for (let i = from; i < to; i++)
    tuples.push(
      `${Math.floor(startMs / 1000) + i},10.0.0.4,203.0.113.${(i % 250) + 1},4${i % 1000},443,T,O,A,B,,,,`,
    );
  return {
    time: new Date(startMs + from * 1000).toISOString(),
    systemId: '00000000-0000-0000-0000-000000000001',
    macAddress: '000D3AF87856',
    category: 'NetworkSecurityGroupFlowEvent',
    resourceId: NSG,
    operationName: 'NetworkSecurityGroupFlowEvents',
    properties: {
      Version: 2,
      flows: [
        { rule: 'DefaultRule_AllowInternetOutBound', flows: [{ mac: '000D3AF87856', flowTuples: tuples }] },
      ],
    },
  };
}
