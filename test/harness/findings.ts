import type { Finding } from '../../core/finding.js';

/** A complete finding for alerting tests (brute force on RDP, one sample flow). */
export function sampleFinding(over: Partial<Finding> = {}): Finding {
  return {
    id: '3f1c9a0e5b7d4c2a8e6f1b3d5a7c9e0f',
    category: 'brute-force',
    severity: 'high',
    title: 'RDP brute force on 10.10.1.5 from 45.155.205.233',
    reason: '45.155.205.233 opened 36 short RDP connections to 10.10.1.5:3389 within one bucket',
    firstSeen: '2026-11-02T23:04:10.000Z',
    lastSeen: '2026-11-02T23:08:50.000Z',
    subject: {
      ip: '10.10.1.5',
      remoteIp: '45.155.205.233',
      port: 3389,
      protocol: 6,
      nsg: 'web-nsg',
      rule: 'UserRule_AllowRdpFromInternet',
    },
    evidence: {
      flows: 120,
      bytes: 540_000,
      distinctPeers: 1,
      sampleFlows: [
        {
          time: '2026-11-02T23:04:10.000Z',
          srcIp: '45.155.205.233',
          dstIp: '10.10.1.5',
          srcPort: 51234,
          dstPort: 3389,
          protocol: 6,
          direction: 'inbound',
          action: 'allow',
          state: 'end',
          packetsSent: 10,
          bytesSent: 2500,
          packetsReceived: 8,
          bytesReceived: 2000,
          nsg: 'web-nsg',
          rule: 'UserRule_AllowRdpFromInternet',
          mac: '000D3A1B2C03',
          format: 'nsg-v2',
        },
      ],
    },
    status: 'open',
    ...over,
  };
}
