import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * An HTTP receiver on loopback that records every request. `respond` decides the status per
 * request (default 200), so tests can make a channel fail and recover.
 */
export async function httpReceiver(respond: (n: number) => number = () => 200) {
  const requests: ReceivedRequest[] = [];
  const waiters: (() => void)[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      res.statusCode = respond(requests.length);
      res.end(res.statusCode < 300 ? 'ok' : 'nope');
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook/secret-path`,
    requests,
    /** Resolves once `n` requests have arrived. */
    async waitFor(n: number): Promise<ReceivedRequest[]> {
      while (requests.length < n) await new Promise<void>((r) => waiters.push(r));
      return requests;
    },
    /** Resolves with the first alert webhook request whose finding has `category`. */
    async waitForCategory(category: string): Promise<ReceivedRequest> {
      for (let n = 1; ; n++) {
        const hit = (await this.waitFor(n)).find((r) => JSON.parse(r.body).finding?.category === category);
        if (hit) return hit;
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A UDP syslog listener on loopback: one message per datagram. */
export async function udpReceiver() {
  const messages: string[] = [];
  const waiters: (() => void)[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (m) => {
    messages.push(m.toString('utf8'));
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    messages,
    async waitFor(n: number) {
      while (messages.length < n) await new Promise<void>((r) => waiters.push(r));
      return messages;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A TCP syslog listener on loopback that decodes RFC 6587 octet-counted frames. */
export async function tcpReceiver() {
  const messages: string[] = [];
  const waiters: (() => void)[] = [];
  const server = createTcpServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const sp = buf.indexOf(0x20);
        if (sp < 0) break;
        const len = Number(buf.subarray(0, sp).toString());
        if (buf.length < sp + 1 + len) break;
        messages.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
        buf = buf.subarray(sp + 1 + len);
        for (const w of waiters.splice(0)) w();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    async waitFor(n: number) {
      while (messages.length < n) await new Promise<void>((r) => waiters.push(r));
      return messages;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
