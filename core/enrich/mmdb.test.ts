import { Reader } from 'mmdb-lib';
import { describe, expect, it } from 'vitest';
import { writeMmdb } from '../../test/harness/mmdb-writer.js';
import { ASN_CSV, COUNTRY_CSV } from './datasets.js';
import { convertMmdb, mmdbDataset, mmdbNetworks, nodeReader } from './mmdb.js';

const ASN_NETS = [
  {
    cidr: '1.0.0.0/24',
    record: { autonomous_system_number: 13335, autonomous_system_organization: 'Cloudflare' },
  },
  {
    cidr: '8.8.8.0/24',
    record: { autonomous_system_number: 15169, autonomous_system_organization: 'Google LLC' },
  },
  {
    cidr: '2001:4860::/32',
    record: { autonomous_system_number: 15169, autonomous_system_organization: 'Google LLC' },
  },
];

describe('MMDB tree walk', () => {
  it('lists every network once, IPv4 as IPv4, skipping the ::ffff:0:0/96 and 2002::/16 aliases', () => {
    const db = writeMmdb(ASN_NETS, { databaseType: 'Test-ASN', aliasIpv4: true });
    // mmdb-lib reads the aliases: the written file follows the format the walk expects.
    expect(new Reader(db).get('::ffff:8.8.8.8')).toEqual(ASN_NETS[1]!.record);
    expect(new Reader(db).get('2002:808:808::1')).toEqual(ASN_NETS[1]!.record);
    const listed = [...mmdbNetworks(db)].map((n) => [n.cidr, n.record]);
    expect(listed).toEqual(ASN_NETS.map((n) => [n.cidr, n.record]));
  });

  it('reads 24, 28 and 32 bit records', () => {
    const node28 = Buffer.from([0x01, 0x02, 0x03, 0xab, 0x04, 0x05, 0x06]);
    expect(nodeReader(node28, 28)(0, 0)).toBe(0x0a010203);
    expect(nodeReader(node28, 28)(0, 1)).toBe(0x0b040506);
    const node32 = Buffer.from([0, 0, 1, 0, 0, 0, 2, 0]);
    expect(nodeReader(node32, 32)(0, 1)).toBe(0x200);
    expect(nodeReader(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]), 24)(1, 1)).toBe(7);
    expect(() => nodeReader(node32, 20)).toThrow(/record size 20/);
  });
});

describe('MMDB datasets', () => {
  it('tells ASN from country databases by their records (GeoLite2 and ip-location-db shapes)', () => {
    expect(mmdbDataset(writeMmdb(ASN_NETS, { databaseType: 'x' }))).toBe(ASN_CSV);
    const geolite = writeMmdb([{ cidr: '8.8.8.0/24', record: { country: { iso_code: 'US' } } }], {
      databaseType: 'GeoLite2-Country',
    });
    expect(mmdbDataset(geolite)).toBe(COUNTRY_CSV);
    const ipLocationDb = writeMmdb([{ cidr: '8.8.8.0/24', record: { country_code: 'US' } }], {
      databaseType: 'geo-whois-asn-country',
    });
    expect(mmdbDataset(ipLocationDb)).toBe(COUNTRY_CSV);
    const city = writeMmdb([{ cidr: '8.8.8.0/24', record: { city: { names: { en: 'X' } } } }], {
      databaseType: 'City-only',
    });
    expect(mmdbDataset(city)).toBeNull();
  });

  it('turns networks into trie rows and counts records it cannot use', () => {
    const db = writeMmdb(
      [
        { cidr: '81.2.69.0/24', record: { country: { iso_code: 'GB' } } },
        { cidr: '10.0.0.0/8', record: { registered_country: { iso_code: 'de' } } },
        { cidr: '2a02::/16', record: { continent: { code: 'EU' } } },
      ],
      { databaseType: 'GeoLite2-Country' },
    );
    const stats = { lines: 0, rows: 0, rejected: 0 };
    expect([...convertMmdb(COUNTRY_CSV, db, stats)]).toEqual([
      ['10.0.0.0/8', 'DE'],
      ['81.2.69.0/24', 'GB'],
    ]);
    expect(stats).toEqual({ lines: 3, rows: 2, rejected: 1 });
  });
});
