import { describe, expect, it } from 'vitest';
import { rowAt } from '../../core/flow/batch.js';
import { FlowBatchBuilder } from '../../core/flow/builder.js';
import { emptyContext } from '../../core/flow/context.js';
import { FAMILY_NSG, FAMILY_VNET } from './json-reader.js';
import { TupleScanner } from './tuple-scanner.js';

function scan(tuple: string, family = FAMILY_NSG) {
  const b = new FlowBatchBuilder(16);
  b.addContext(emptyContext('nsg-v2'));
  const s = new TupleScanner(b);
  const buf = Buffer.from(`${tuple}"`);
  const reason = s.scan(buf, 0, buf.length, family, 0, 0, 0);
  return { reason, rows: b.length, row: b.length ? rowAt(b.finish(), 0) : null, stop: s.stop };
}

const NSG_V2 = '1542110402,192.0.2.190,10.5.16.4,28746,443,U,I,D,B,,,,';
const VNET = '1663146003606,216.160.83.56,81.2.69.142,36776,443,6,O,E,NX,22,2217,33,0';

describe('TupleScanner accepts', () => {
  it.each([
    [
      'NSG v1',
      '1487282421,192.0.2.95,10.1.0.4,51529,5358,T,I,D',
      FAMILY_NSG,
      { state: 'none', action: 'deny', protocol: 6, hasCounters: false, time: '2017-02-16T22:00:21.000Z' },
    ],
    [
      'NSG v2 B row, empty counters',
      NSG_V2,
      FAMILY_NSG,
      { state: 'begin', protocol: 17, hasCounters: false, srcPort: 28746 },
    ],
    [
      'NSG v2 E row',
      '1542110379,1.128.0.0,1.128.0.1,59932,443,T,O,A,E,1,66,1,66',
      FAMILY_NSG,
      { state: 'end', packetsSent: 1, bytesReceived: 66, hasCounters: true, remoteIsPublic: true },
    ],
    [
      'NSG v2 E row with zero counters',
      '1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A,E,0,0,0,0',
      FAMILY_NSG,
      { hasCounters: true, packetsSent: 0 },
    ],
    [
      'VNet 13-digit ms',
      VNET,
      FAMILY_VNET,
      { time: '2022-09-14T09:00:03.606Z', encryption: 'NX', state: 'end', action: 'allow', bytesSent: 2217 },
    ],
    [
      'VNet deny',
      '1663146003599,1.128.0.0,10.0.0.4,23956,443,6,I,D,NX,0,0,0,0',
      FAMILY_VNET,
      { state: 'deny', action: 'deny', hasCounters: true },
    ],
    [
      'VNet B with empty counters (doc example)',
      '1493763938,185.170.185.105,10.2.0.4,35370,23,6,I,B,NX,,,,',
      FAMILY_VNET,
      { hasCounters: false, time: '2017-05-02T22:25:38.000Z' },
    ],
    [
      'VNet encryption X and NX_* tokens',
      '1663146003599,10.0.0.1,10.0.0.2,1,2,17,O,C,NX_HW_NOT_SUPPORTED,1,2,3,4',
      FAMILY_VNET,
      { encryption: 'NX_HW_NOT_SUPPORTED', protocol: 17 },
    ],
    [
      'ICMP protocol number',
      '1663146003599,10.0.0.1,10.0.0.2,0,0,1,O,C,X,1,2,3,4',
      FAMILY_VNET,
      { protocol: 1, encryption: 'X' },
    ],
    [
      'protocol number in an NSG tuple',
      '1542110379,10.0.0.1,10.0.0.2,1,2,47,O,A,E,1,2,3,4',
      FAMILY_NSG,
      { protocol: 47 },
    ],
    [
      '11-digit seconds',
      '10000000000,10.0.0.1,10.0.0.2,1,2,T,O,A',
      FAMILY_NSG,
      { time: '2286-11-20T17:46:40.000Z' },
    ],
    [
      'port 65535 and 0',
      '1542110379,10.0.0.1,10.0.0.2,65535,0,T,O,A',
      FAMILY_NSG,
      { srcPort: 65535, dstPort: 0 },
    ],
    [
      'port with a leading zero',
      '1542110379,10.0.0.1,10.0.0.2,080,0443,T,O,A',
      FAMILY_NSG,
      { srcPort: 80, dstPort: 443 },
    ],
    [
      'IPv6 both ends',
      '1542110379,2001:db8::1,fd00::4,443,51000,T,I,A',
      FAMILY_NSG,
      { srcIp: '2001:db8::1', dstIp: 'fd00::4', remoteIsPublic: true },
    ],
    [
      'IPv4-mapped IPv6 text',
      '1542110379,::ffff:10.0.0.1,10.0.0.2,1,2,T,I,A',
      FAMILY_NSG,
      { srcIp: '10.0.0.1', remoteIsPublic: false },
    ],
    [
      'inbound from a private peer',
      '1542110379,10.0.0.9,10.0.0.2,1,2,T,I,A',
      FAMILY_NSG,
      { remoteIsPublic: false, direction: 'inbound' },
    ],
    [
      'outbound to Azure platform 168.63.129.16',
      '1542110379,10.0.0.9,168.63.129.16,1,53,U,O,A',
      FAMILY_NSG,
      { remoteIsPublic: false },
    ],
    [
      'max counters (15 digits)',
      '1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A,C,999999999999999,1,1,1',
      FAMILY_NSG,
      { packetsSent: 999999999999999 },
    ],
  ])('%s', (_label, tuple, family, want) => {
    const r = scan(tuple, family);
    expect(r.reason).toBeNull();
    expect(r.rows).toBe(1);
    expect(r.row).toMatchObject(want);
    expect(r.stop).toBe(tuple.length);
  });
});

describe('TupleScanner rejects', () => {
  it.each([
    ['empty', '', FAMILY_NSG, 'tuple-field-count'],
    ['12-digit timestamp', '100000000000,10.0.0.1,10.0.0.2,1,2,T,O,A', FAMILY_NSG, 'tuple-timestamp'],
    ['14-digit timestamp', '16631460035990,10.0.0.1,10.0.0.2,1,2,T,O,A', FAMILY_NSG, 'tuple-timestamp'],
    ['negative timestamp', '-1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A', FAMILY_NSG, 'tuple-timestamp'],
    ['octet 256', '1542110379,10.0.0.256,10.0.0.2,1,2,T,O,A', FAMILY_NSG, 'tuple-ip'],
    ['octet with a leading zero', '1542110379,10.0.0.01,10.0.0.2,1,2,T,O,A', FAMILY_NSG, 'tuple-ip'],
    ['three octets', '1542110379,10.0.1,10.0.0.2,1,2,T,O,A', FAMILY_NSG, 'tuple-ip'],
    ['bad IPv6', '1542110379,2001:db8:::1:,10.0.0.2,1,2,T,O,A', FAMILY_NSG, 'tuple-ip'],
    ['hostname', '1542110379,host.example,10.0.0.2,1,2,T,O,A', FAMILY_NSG, 'tuple-ip'],
    ['port 65536', '1542110379,10.0.0.1,10.0.0.2,65536,2,T,O,A', FAMILY_NSG, 'tuple-port'],
    ['port 6 digits', '1542110379,10.0.0.1,10.0.0.2,000080,2,T,O,A', FAMILY_NSG, 'tuple-port'],
    ['empty port', '1542110379,10.0.0.1,10.0.0.2,,2,T,O,A', FAMILY_NSG, 'tuple-port'],
    ['protocol 256', '1542110379,10.0.0.1,10.0.0.2,1,2,256,O,A', FAMILY_NSG, 'tuple-protocol'],
    ['protocol letter X', '1542110379,10.0.0.1,10.0.0.2,1,2,X,O,A', FAMILY_NSG, 'tuple-protocol'],
    ['protocol TCP spelled out', '1542110379,10.0.0.1,10.0.0.2,1,2,TCP,O,A', FAMILY_NSG, 'tuple-protocol'],
    ['direction lower-case', '1542110379,10.0.0.1,10.0.0.2,1,2,T,o,A', FAMILY_NSG, 'tuple-direction'],
    ['decision X', '1542110379,10.0.0.1,10.0.0.2,1,2,T,O,X', FAMILY_NSG, 'tuple-decision'],
    ['NSG state D', '1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A,D,1,2,3,4', FAMILY_NSG, 'tuple-decision'],
    ['VNet state A', '1663146003599,10.0.0.1,10.0.0.2,1,2,6,O,A,NX,1,2,3,4', FAMILY_VNET, 'tuple-decision'],
    [
      'VNet encryption with a dash',
      '1663146003599,10.0.0.1,10.0.0.2,1,2,6,O,B,N-X,1,2,3,4',
      FAMILY_VNET,
      'tuple-encryption',
    ],
    ['counter not a number', '1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A,E,1,x,3,4', FAMILY_NSG, 'tuple-counter'],
    ['counter negative', '1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A,E,1,-2,3,4', FAMILY_NSG, 'tuple-counter'],
    ['counters partly empty', '1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A,E,1,,3,4', FAMILY_NSG, 'tuple-counter'],
    [
      'counter 16 digits',
      '1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A,E,1000000000000000,1,1,1',
      FAMILY_NSG,
      'tuple-counter',
    ],
    [
      '9 fields (trailing empties dropped)',
      '1542110402,192.0.2.190,10.5.16.4,28746,443,U,I,D,B',
      FAMILY_NSG,
      'tuple-field-count',
    ],
    ['14 fields', `${NSG_V2},`, FAMILY_NSG, 'tuple-field-count'],
    ['12 fields', '1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A,E,1,2,3', FAMILY_NSG, 'tuple-field-count'],
    ['missing middle field', '1542110379,10.0.0.1,1,2,T,O,A,E,1,2,3,4', FAMILY_NSG, 'tuple-field-count'],
    ['8-field VNet tuple', '1663146003599,10.0.0.1,10.0.0.2,1,2,6,O,B', FAMILY_VNET, 'tuple-field-count'],
    ['NSG layout in a VNet group', NSG_V2, FAMILY_VNET, 'tuple-encryption'],
    [
      'VNet encryption token outside X/NX/NX_*',
      '1663146003599,10.0.0.1,10.0.0.2,1,2,6,O,B,ENC,1,2,3,4',
      FAMILY_VNET,
      'tuple-encryption',
    ],
    ['trailing space', `${NSG_V2} `, FAMILY_NSG, 'tuple-counter'],
  ])('%s', (_label, tuple, family, reason) => {
    const r = scan(tuple, family);
    expect(r.reason).toBe(reason);
    expect(r.rows).toBe(0);
    expect(r.stop).toBe(tuple.length);
  });

  it('leaves no trace of a rejected row: the next row starts clean', () => {
    const b = new FlowBatchBuilder(16);
    const s = new TupleScanner(b);
    const bad = Buffer.from('1542110379,2001:db8::1,10.0.0.256,1,2,T,O,A"');
    expect(s.scan(bad, 0, bad.length, FAMILY_NSG, 0, 0, 0)).toBe('tuple-ip');
    const good = Buffer.from('1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A"');
    expect(s.scan(good, 0, good.length, FAMILY_NSG, 0, 0, 1)).toBeNull();
    b.addContext(emptyContext('nsg-v1'));
    expect(rowAt(b.finish(), 0)).toMatchObject({ srcIp: '10.0.0.1', dstIp: '10.0.0.2', tupleIndex: 1 });
  });
});
