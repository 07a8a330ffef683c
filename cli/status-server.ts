import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, type Registry } from 'prom-client';

/**
 * `/healthz`, `/readyz` and `/metrics` for processes that do not run the API role
 * (`flowlens run --roles ingest`), so orchestrators can health-check them (docs/operations.md:
 * liveness `/healthz`, readiness `/readyz` = database reachable) and Prometheus can scrape them.
 * `/metrics` carries the same readiness as `flowlens_ready` (checked at each scrape), so an outage
 * shows on a dashboard and in alerts, not only to the orchestrator.
 */
export async function startStatusServer(
  registry: Registry,
  host: string,
  port: number,
  /** Resolves when the process can do its work (database reachable); rejects otherwise. */
  ready: () => Promise<void> = async () => {},
): Promise<{ url: string; stop(): Promise<void> }> {
  new Gauge({
    name: 'flowlens_ready',
    help: '1 when the process can do its work (database reachable: what /readyz answers), else 0',
    registers: [registry],
    async collect() {
      this.set(
        await ready().then(
          () => 1,
          () => 0,
        ),
      );
    },
  });
  const server: Server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (req.url === '/readyz') {
      ready().then(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}'),
        () => res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"not ready"}'),
      );
    } else if (req.url === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"code":"not_found","message":"not found"}}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
