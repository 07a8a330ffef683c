import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { slackChannel } from '../../analyze/alerts/slack.js';
import { syslogChannel } from '../../analyze/alerts/syslog.js';
import { teamsChannel } from '../../analyze/alerts/teams.js';
import { webhookChannel } from '../../analyze/alerts/webhook.js';
import { SyslogChannelSchema } from '../../core/config/sections/alerts.js';
import { PermanentError, TransientError } from '../../core/errors.js';
import { FindingSchema } from '../../core/finding.js';
import { sampleFinding } from '../harness/findings.js';
import { httpReceiver, tcpReceiver, udpReceiver } from '../harness/receivers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const RFC5424 = /^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[flowlens@32473 [^\]]*(?:\\\][^\]]*)*\]) (.*)$/s;

describe('webhook channel on a loopback receiver', () => {
  it('POSTs the Finding JSON with an HMAC-SHA256 signature over the raw body', async () => {
    const rx = await httpReceiver();
    cleanup.push(rx.close);
    const ch = webhookChannel({
      name: 'hook',
      url: rx.url,
      secret: 's3cret',
      headers: { 'x-tenant': 'acme' },
      publicUrl: 'https://flowlens.example/',
    });
    const finding = sampleFinding();
    await ch.send(finding);
    const [req] = await rx.waitFor(1);
    expect(req!.method).toBe('POST');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['x-tenant']).toBe('acme');
    const expected = `sha256=${createHmac('sha256', 's3cret').update(req!.body).digest('hex')}`;
    expect(req!.headers['x-flowlens-signature']).toBe(expected);
    const body = JSON.parse(req!.body);
    expect(body).toMatchObject({
      type: 'flowlens.finding',
      version: 1,
      link: `https://flowlens.example/findings/${finding.id}`,
    });
    expect(FindingSchema.parse(body.finding)).toEqual(finding);
  });

  it('omits the signature without a secret; classifies 5xx as transient and 4xx as permanent', async () => {
    const rx = await httpReceiver((n) => (n === 1 ? 503 : 404));
    cleanup.push(rx.close);
    const ch = webhookChannel({ name: 'hook', url: rx.url });
    await expect(ch.send(sampleFinding())).rejects.toBeInstanceOf(TransientError);
    await expect(ch.send(sampleFinding())).rejects.toBeInstanceOf(PermanentError);
    expect(rx.requests[0]!.headers['x-flowlens-signature']).toBeUndefined();
  });

  it('an unreachable receiver is a transient error whose message hides the URL path', async () => {
    const rx = await httpReceiver();
    const url = rx.url;
    await rx.close();
    const err = await webhookChannel({ name: 'hook', url })
      .send(sampleFinding())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).not.toContain('secret-path');
  });
});

describe('Slack and Teams channels on a loopback receiver', () => {
  it('Slack gets text plus Block Kit blocks', async () => {
    const rx = await httpReceiver();
    cleanup.push(rx.close);
    await slackChannel({ name: 'slack', url: rx.url }).send(sampleFinding({ reason: 'a <b> & c' }));
    const body = JSON.parse((await rx.waitFor(1))[0]!.body);
    expect(body.text).toBe('[HIGH] RDP brute force on 10.10.1.5 from 45.155.205.233');
    expect(body.blocks.map((b: { type: string }) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'context',
    ]);
    expect(body.blocks[1].text.text).toContain('a &lt;b&gt; &amp; c');
    expect(body.blocks[2].fields.length).toBeLessThanOrEqual(10);
    expect(body.blocks[2].fields[2]).toEqual({ type: 'mrkdwn', text: '*Host*\n10.10.1.5' });
  });

  it('Teams gets a message with an Adaptive Card attachment', async () => {
    const rx = await httpReceiver();
    cleanup.push(rx.close);
    await teamsChannel({ name: 'teams', url: rx.url, publicUrl: 'https://flowlens.example' }).send(
      sampleFinding(),
    );
    const body = JSON.parse((await rx.waitFor(1))[0]!.body);
    expect(body.type).toBe('message');
    const att = body.attachments[0];
    expect(att.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(att.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    const facts = att.content.body.find((b: { type: string }) => b.type === 'FactSet').facts;
    expect(facts).toContainEqual({ title: 'Remote', value: '45.155.205.233' });
    expect(att.content.actions[0]).toMatchObject({
      type: 'Action.OpenUrl',
      url: expect.stringContaining('/findings/'),
    });
  });
});

describe('syslog channel on loopback listeners', () => {
  const clock = () => new Date('2026-11-02T23:10:00.000Z');

  it('RFC 5424 over UDP with priority, structured data and the message', async () => {
    const rx = await udpReceiver();
    cleanup.push(rx.close);
    const ch = syslogChannel(
      SyslogChannelSchema.parse({
        type: 'syslog',
        name: 'siem',
        host: '127.0.0.1',
        port: rx.port,
        hostname: 'fl-1',
      }),
      '0.1.0',
      clock,
    );
    cleanup.push(() => ch.close());
    await ch.send(sampleFinding());
    const [msg] = await rx.waitFor(1);
    const m = RFC5424.exec(msg!);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(16 * 8 + 3); // local0, high → err
    expect(m!.slice(2, 7)).toEqual([
      '2026-11-02T23:10:00.000Z',
      'fl-1',
      'flowlens',
      String(process.pid),
      'brute-force',
    ]);
    expect(m![7]).toContain('remoteIp="45.155.205.233"');
    expect(m![8]).toMatch(/^RDP brute force on 10.10.1.5/);
  });

  it('CEF over TCP with octet-counting framing, several messages on one connection', async () => {
    const rx = await tcpReceiver();
    const ch = syslogChannel(
      SyslogChannelSchema.parse({
        type: 'syslog',
        name: 'siem',
        host: '127.0.0.1',
        port: rx.port,
        transport: 'tcp',
        format: 'cef',
        facility: 4,
      }),
      '0.1.0',
      clock,
    );
    cleanup.push(rx.close);
    cleanup.push(() => ch.close());
    await ch.send(sampleFinding());
    await ch.send(
      sampleFinding({ severity: 'critical', title: 'pipe | and \\ backslash', reason: 'a=b\nc' }),
    );
    const msgs = await rx.waitFor(2);
    const cef1 = msgs[0]!.slice(msgs[0]!.indexOf('CEF:0'));
    expect(msgs[0]!.startsWith(`<${4 * 8 + 3}>1 `)).toBe(true);
    expect(cef1).toMatch(
      /^CEF:0\|flowlens\|flowlens\|0\.1\.0\|brute-force\|RDP brute force on 10\.10\.1\.5 from 45\.155\.205\.233\|8\|/,
    );
    expect(cef1).toContain('src=45.155.205.233 dst=10.10.1.5 dpt=3389 proto=TCP cnt=120');
    const cef2 = msgs[1]!.slice(msgs[1]!.indexOf('CEF:0'));
    expect(cef2).toContain('|pipe \\| and \\\\ backslash|10|');
    expect(cef2).toContain('msg=a\\=b\\nc');
  });
});
