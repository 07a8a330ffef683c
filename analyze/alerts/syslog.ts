import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createConnection, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { systemClock } from '../../core/clock.js';
import type { SyslogChannelSchema } from '../../core/config/sections/alerts.js';
import { TransientError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import type { AlertChannel } from './channel.js';
import { cef, rfc5424 } from './syslog-format.js';

type SyslogOptions = import('zod').infer<typeof SyslogChannelSchema>;

/**
 * Syslog sender: RFC 5424 messages (plain text or CEF as MSG) over UDP (RFC 5426, one message per
 * datagram) or TCP (RFC 6587 octet counting: `LEN SP MSG`). The TCP connection is opened on first
 * use and re-opened after an error. `clock` is injectable for tests.
 * @see https://www.rfc-editor.org/rfc/rfc6587#section-3.4.1
 */
export function syslogChannel(
  opts: SyslogOptions,
  version = '0.1.0',
  clock: () => Date = systemClock,
): AlertChannel {
  const header = {
    facility: opts.facility,
    hostname: opts.hostname ?? hostname(),
    appName: opts.appName,
    procId: String(process.pid),
  };
  const render = (f: Finding) =>
    rfc5424(f, header, clock(), opts.format === 'cef' ? cef(f, version) : undefined);
  const transport =
    opts.transport === 'tcp' ? tcpTransport(opts.host, opts.port) : udpTransport(opts.host, opts.port);
  return {
    name: opts.name,
    type: 'syslog',
    render,
    send: (f) => transport.send(Buffer.from(render(f), 'utf8')),
    close: () => transport.close(),
  };
}

interface Transport {
  send(msg: Buffer): Promise<void>;
  close(): Promise<void>;
}

function udpTransport(host: string, port: number): Transport {
  let socket: UdpSocket | undefined;
  return {
    send(msg) {
      socket ??= createSocket(host.includes(':') ? 'udp6' : 'udp4');
      const s = socket;
      return new Promise((resolve, reject) =>
        s.send(msg, port, host, (err) =>
          err ? reject(new TransientError(`syslog udp: ${err.message}`)) : resolve(),
        ),
      );
    },
    close: async () => {
      socket?.close();
      socket = undefined;
    },
  };
}

function tcpTransport(host: string, port: number): Transport {
  let socket: Promise<Socket> | undefined;
  const connect = () =>
    new Promise<Socket>((resolve, reject) => {
      const s = createConnection({ host, port });
      s.once('connect', () => resolve(s));
      s.once('error', (err) => {
        socket = undefined;
        reject(new TransientError(`syslog tcp: ${err.message}`));
      });
      s.once('close', () => {
        socket = undefined;
      });
    });
  return {
    async send(msg) {
      socket ??= connect();
      const s = await socket;
      const framed = Buffer.concat([Buffer.from(`${msg.length} `), msg]);
      await new Promise<void>((resolve, reject) =>
        s.write(framed, (err) =>
          err ? reject(new TransientError(`syslog tcp: ${err.message}`)) : resolve(),
        ),
      );
    },
    async close() {
      const s = await socket?.catch(() => undefined);
      socket = undefined;
      if (s) await new Promise<void>((resolve) => s.end(resolve));
    },
  };
}
