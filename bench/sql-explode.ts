/**
 * The baseline flowlens must beat: chDB reads an NSG v2 `PT1H.json` itself (`file(…, 'JSONEachRow',
 * structure)`), explodes it with ARRAY JOIN and splits every tuple with `splitByChar` into the same
 * `flows` columns, with the same rollup materialized views attached. No JS touches a tuple
 * (docs/reference/performance-facts.md §3.3, "chDB explodes the blob itself").
 * @see https://clickhouse.com/docs/sql-reference/statements/select/array-join
 */
const STRUCTURE =
  'records Array(Tuple(time String, resourceId String, properties Tuple(Version UInt8, ' +
  'flows Array(Tuple(rule String, flows Array(Tuple(mac String, flowTuples Array(String))))))))';

const PRIVATE = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
];

const remoteIsPublic = `NOT (${PRIVATE.map((c) => `isIPAddressInRange(remote, '${c}')`).join(' OR ')} OR remote = '168.63.129.16')`;

export const SQL_EXPLODE = `
INSERT INTO flows (time, record_time, format, subscription_id, resource_group, nsg, target_resource, mac, rule,
  rule_name, rule_kind, src_ip, dst_ip, src_port, dst_port, protocol, direction, action, state, packets_sent,
  bytes_sent, packets_received, bytes_received, has_counters, remote_is_public, source, record_offset, tuple_index)
SELECT
  fromUnixTimestamp64Milli(toInt64(p[1]) * 1000, 'UTC'),
  parseDateTime64BestEffort(r.time, 3, 'UTC'),
  'nsg-v2',
  arn[3], arn[5], arn[9], r.resourceId, m.mac, f.rule,
  replaceRegexpOne(f.rule, '^(UserRule_|DefaultRule_)', ''),
  multiIf(startsWith(f.rule, 'UserRule_'), 'user', startsWith(f.rule, 'DefaultRule_'), 'default', 'unspecified'),
  toIPv6(p[2]), toIPv6(p[3]), toUInt16(p[4]), toUInt16(p[5]),
  multiIf(p[6] = 'T', 6, p[6] = 'U', 17, 0),
  if(p[7] = 'I', 1, 2),
  if(p[8] = 'A', 1, 2),
  multiIf(p[9] = 'B', 1, p[9] = 'C', 2, p[9] = 'E', 3, 0),
  toUInt64OrZero(p[10]), toUInt64OrZero(p[11]), toUInt64OrZero(p[12]), toUInt64OrZero(p[13]),
  p[10] != '',
  ${remoteIsPublic},
  'sql-explode', 0, ti - 1
FROM (
  SELECT r, f, m, ti, splitByChar(',', t) AS p, splitByChar('/', r.resourceId) AS arn,
    if(p[7] = 'I', p[2], p[3]) AS remote
  FROM file({path:String}, 'JSONEachRow', '${STRUCTURE}')
  ARRAY JOIN records AS r
  ARRAY JOIN r.properties.flows AS f
  ARRAY JOIN f.flows AS m
  ARRAY JOIN m.flowTuples AS t, arrayEnumerate(m.flowTuples) AS ti
)
`;
