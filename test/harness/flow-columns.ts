import type { FlowColumns } from '../../core/flow/batch.js';
import { FlowBatchBuilder } from '../../core/flow/builder.js';
import { emptyContext } from '../../core/flow/context.js';
import { Action, Direction, FlowState } from '../../core/flow/enums.js';

export interface SampleOptions {
  /** Epoch ms of the first tuple; tuples are one second apart. */
  startMs?: number;
  nsgs?: string[];
  rules?: string[];
  /** Varies the data so two samples differ. */
  seed?: number;
}

/**
 * Hand-built FlowColumns for sink and pipeline tests (no normalizer involved): `n` tuples over a few
 * contexts, IPv4 sources 10.0.x.y, an IPv6 destination every 7th row, counters on most rows.
 */
export function sampleColumns(n: number, options: SampleOptions = {}): FlowColumns {
  const start = options.startMs ?? Date.UTC(2024, 0, 1);
  const nsgs = options.nsgs ?? ['NSG-A', 'NSG-B'];
  const rules = options.rules ?? ['UserRule_AllowHttps', 'DefaultRule_DenyAllInBound'];
  const seed = options.seed ?? 0;
  const b = new FlowBatchBuilder(Math.max(16, n));
  const ctxIds: number[] = [];
  for (const nsg of nsgs) {
    for (const rule of rules) {
      const ruleName = rule.replace(/^(UserRule_|DefaultRule_)/, '');
      ctxIds.push(
        b.addContext({
          ...emptyContext('nsg-v2'),
          subscriptionId: 'sub-1',
          resourceGroup: 'rg-1',
          nsg,
          mac: '000D3AF87856',
          rule,
          ruleName,
          ruleKind: rule.startsWith('User') ? 'user' : 'default',
          recordTimeMs: start,
        }),
      );
    }
  }
  for (let k = 0; k < n; k++) fillRow(b, k, ctxIds[k % ctxIds.length]!, start, seed);
  return b.finish();
}

function fillRow(b: FlowBatchBuilder, k: number, ctx: number, start: number, seed: number): void {
  const i = b.next();
  const c = b.cols;
  c.ctx[i] = ctx;
  c.timeMs[i] = start + k * 1000;
  c.srcIp.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, (k >> 8) & 255, k & 255], i * 16);
  if (k % 7 === 0) c.dstIp.set([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], i * 16);
  else c.dstIp.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 52, 1, 2, (k + seed) & 255], i * 16);
  c.srcPort[i] = 1024 + (k % 60000);
  c.dstPort[i] = k % 3 === 0 ? 22 : 443;
  c.protocol[i] = k % 10 === 0 ? 17 : 6;
  c.direction[i] = k % 2 === 0 ? Direction.inbound : Direction.outbound;
  const deny = k % 5 === 0;
  c.action[i] = deny ? Action.deny : Action.allow;
  c.state[i] = deny ? FlowState.begin : FlowState.end;
  c.hasCounters[i] = deny ? 0 : 1;
  c.packetsSent[i] = deny ? 0 : k + 1;
  c.bytesSent[i] = deny ? 0 : (k + 1) * 100 + seed;
  c.packetsReceived[i] = deny ? 0 : k;
  c.bytesReceived[i] = deny ? 0 : k * 50;
  c.remoteIsPublic[i] = k % 7 === 0 ? 0 : 1;
  c.recordOffset[i] = 12 + Math.floor(k / 100) * 1000;
  c.tupleIndex[i] = k % 100;
}
