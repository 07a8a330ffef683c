import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../../api/auth/keys.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { parseConfig } from '../../../core/config/load.js';
import { redactSecrets, redactText, registerSecrets } from '../../../core/config/redact.js';
import type { ConfigInput } from '../../../core/config/schema.js';
import { createLogger } from '../../../core/logging.js';
import { testApi } from '../../harness/api.js';
import { openTestDb } from '../../harness/chdb.js';
import { runCli } from '../../harness/cli.js';

/**
 * Issue 15 probe 3: one redaction rule for every output. The config seeds each kind of secret;
 * `config print` (YAML and JSON), log lines, error messages and /api responses are grepped for all.
 */
const CONFIG_KEY = 'flk_config_admin_key_0123456789';
const SECRETS = {
  password: 'Pw-Database-Secret-1',
  urlPassword: 'UrlPass-Secret-2',
  pathSegment: 'PathTok-Secret-3',
  queryToken: 'QueryTok-Secret-4',
  authorization: 'HdrAuth-Secret-5',
  apiKeyHeader: 'HdrKey-Secret-6',
  hmac: 'Hmac-Secret-7',
  tokenLikeSegment: 'a1B2c3D4e5F6g7H8i9J0k1L2m3',
  keyHash: hashKey(CONFIG_KEY).slice('sha256:'.length),
  configKey: CONFIG_KEY,
};
const CONFIG: ConfigInput = {
  database: { url: `https://flowlens:${SECRETS.urlPassword}@ch.example:8443`, password: SECRETS.password },
  log: { secretUrlPaths: ['hooks.internal.example/notify'] },
  api: { auth: { keys: [{ name: 'cfg', role: 'admin', hash: hashKey(CONFIG_KEY) }] } },
  alerts: {
    channels: [
      {
        type: 'webhook',
        name: 'ops',
        url: `https://hooks.internal.example/notify/${SECRETS.pathSegment}?token=${SECRETS.queryToken}`,
        secret: SECRETS.hmac,
        headers: { Authorization: `Bearer ${SECRETS.authorization}`, 'X-API-Key': SECRETS.apiKeyHeader },
      },
      { type: 'slack', name: 'chat', url: `https://chat.example/hook/${SECRETS.tokenLikeSegment}` },
    ],
  },
};

function expectClean(output: string, where: string): void {
  expect(output.length, where).toBeGreaterThan(0);
  for (const [kind, secret] of Object.entries(SECRETS))
    expect(output, `${where}: ${kind}`).not.toContain(secret);
}

let db: Db & { close(): Promise<void> };
let dir: string;
beforeAll(async () => {
  db = await openTestDb();
  dir = mkdtempSync(join(tmpdir(), 'flowlens-redact-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await db.close();
});

describe('one redaction rule for every output', () => {
  it('config print (YAML and JSON) shows structure but no secret of any kind', async () => {
    const file = join(dir, 'flowlens.json');
    writeFileSync(file, JSON.stringify(CONFIG));
    for (const args of [[], ['--json']]) {
      const r = await runCli(['--config', file, 'config', 'print', ...args]);
      expect(r.code, r.stderr).toBe(0);
      expectClean(r.stdout, `config print ${args.join(' ')}`);
      expect(r.stdout).toContain('hooks.internal.example/notify/***');
      expect(r.stdout).toContain('ch.example:8443');
    }
  });

  it('log lines mask fields, messages and errors', async () => {
    const config = parseConfig(CONFIG);
    let text = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    });
    const logger = createLogger('info', 'flowlens', sink);
    logger.info({ config }, 'effective configuration');
    const channel = config.alerts.channels[0] as { url: string };
    logger.warn(`webhook ${channel.url} failed; sent Authorization: Bearer ${SECRETS.authorization}`);
    logger.error({ err: new Error(`connect to ${config.database.url} refused`) }, 'database down');
    logger.info({ headers: { 'x-api-key': SECRETS.apiKeyHeader }, key: CONFIG_KEY }, 'request');
    logger.info(`stored sha256:${SECRETS.keyHash} for ${CONFIG_KEY}; password ${SECRETS.password}`);
    expect(text.trim().split('\n')).toHaveLength(5);
    expectClean(text, 'logs');
  });

  it('error messages and /api responses carry no secret', async () => {
    const api = testApi(db, CONFIG);
    const auth = { 'x-api-key': CONFIG_KEY };
    const outputs: string[] = [];
    for (const filter of [`nsg = "${SECRETS.password}" AND`, `src_ip = Bearer ${SECRETS.authorization}`]) {
      const r = await api.get(`/api/flows?filter=${encodeURIComponent(filter)}`, auth);
      expect(r.status).toBe(400);
      outputs.push(await r.text());
    }
    const created = await api.send('POST', '/api/keys', { name: 'ci', role: 'viewer' }, auth);
    const { key } = (await created.json()) as { key: string };
    outputs.push(await (await api.get('/api/keys', auth)).text());
    outputs.push(await (await api.get('/api/audit?from=now-1h', auth)).text());
    outputs.push(await (await api.get('/api/openapi.json')).text());
    const all = outputs.join('\n');
    expectClean(all, '/api');
    expect(all).not.toContain(hashKey(key).slice(7));
  });

  it('redactSecrets is the rule config print applies', () => {
    expectClean(JSON.stringify(redactSecrets(parseConfig(CONFIG))), 'redactSecrets');
  });

  it('connection-string fields in free text are masked', () => {
    const conn = {
      accountKey: 'AcctKey-Secret-8+/==',
      sharedKey: 'SharedKey-Secret-9=',
      sas: 'sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01&sig=SasSig-Secret-10%3D',
      sig: 'LoneSig-Secret-11',
      password: 'ConnPw-Secret-12',
    };
    const lines = [
      `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${conn.accountKey};EndpointSuffix=core.windows.net`,
      `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=${conn.sharedKey};EntityPath=flows`,
      `BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=${conn.sas}`,
      `retrying with se=2030-01-01&sig=${conn.sig} failed`,
      `Server=ch;User Id=flowlens;password=${conn.password};`,
      `sasl: username="$ConnectionString" password="${conn.password}"`,
    ];
    const out = lines.map(redactText).join('\n');
    for (const [kind, secret] of Object.entries(conn)) expect(out, kind).not.toContain(secret);
    expect(out).toContain('SharedAccessSignature=***');
    expect(out).toContain('AccountName=acct;');
    expect(out).toContain('SharedAccessKeyName=listen;');
    expect(out).toContain('EntityPath=flows');
  });

  it('names that merely end in "key" are not secrets, nor are their values', () => {
    const shape = {
      partitionKey: 'tenant-partition-west',
      sortKey: 'flow-sort-time',
      routingKey: 'routing-flows-eu',
      key: 'plain-key-is-secret',
      privateKey: 'pem-private-secret',
      storage: { accessKey: 'access-key-secret' },
    };
    registerSecrets(shape);
    expect(redactSecrets(shape)).toEqual({
      partitionKey: 'tenant-partition-west',
      sortKey: 'flow-sort-time',
      routingKey: 'routing-flows-eu',
      key: '***',
      privateKey: '***',
      storage: { accessKey: '***' },
    });
    const text = redactText('partition tenant-partition-west sorted by flow-sort-time; pem-private-secret');
    expect(text).toBe('partition tenant-partition-west sorted by flow-sort-time; ***');
  });
});
