/**
 * Event Hubs message bodies shaped like Microsoft's NSG flow-log connector output
 * (docs/reference/flow-logs.md §1e: `{"records":[flat, …]}`, one tuple per flat record, values as strings).
 * Every tuple is unique by (startTime, sourcePort), so duplicates are countable in ClickHouse.
 */
export function connectorBody(messageId: number, records: number): string {
  const base = 1_767_225_600 + messageId; // 2026-01-01T00:00:00Z + id seconds
  const out = [];
  for (let j = 0; j < records; j += 1) {
    out.push({
      time: new Date(base * 1000).toISOString(),
      category: 'NetworkSecurityGroupFlowEvent',
      operationName: 'NetworkSecurityGroupFlowEvents',
      resourceId:
        '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000001/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-EH',
      version: 2.0,
      nsgRuleName: 'DefaultRule_AllowInternetOutBound',
      mac: '000D3A3CECED',
      startTime: String(base),
      sourceAddress: '10.0.0.4',
      destinationAddress: '52.1.2.3',
      sourcePort: String(1024 + j),
      destinationPort: '443',
      transportProtocol: 'T',
      deviceDirection: 'O',
      deviceAction: 'A',
      flowState: 'E',
      packetsStoD: '3',
      bytesStoD: '300',
      packetsDtoS: '2',
      bytesDtoS: '200',
    });
  }
  return JSON.stringify({ records: out });
}

/** Polls `check` until it returns true; fails after `timeoutMs` with `what` in the message. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
