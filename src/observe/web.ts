/**
 * `noderl observe --web PORT`: an HTTP server (127.0.0.1 unless `--address` says otherwise) with
 * the page at `/` (page.ts) and the latest snapshot at `/snapshot.json`. One refresh loop feeds
 * every viewer, so ten open pages cost the observed nodes what one does.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Observer } from './observer.js';
import { refreshLoop, untilSignal } from './live.js';
import { pageHtml } from './page.js';
import type { Snapshot, SortKey } from './snapshot.js';

/** Options of {@link serveWeb}. */
export interface WebOptions {
  port: number;
  address: string;
  interval: number;
  sort: SortKey;
}

/** Serves until SIGINT or SIGTERM; 0, or 1 when the port cannot be had. */
export async function serveWeb(observer: Observer, options: WebOptions): Promise<number> {
  let latest: Snapshot | undefined = await observer.snapshot(options.sort);
  const page = pageHtml(options.interval);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'GET') return void res.writeHead(405).end();
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    if (path === '/snapshot.json') return void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(latest));
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  try {
    await listen(server, options.port, options.address);
  } catch (err) {
    process.stderr.write(`noderl observe: cannot listen on ${options.address}:${options.port}: ${(err as Error).message}\n`);
    return 1;
  }
  const { port } = server.address() as AddressInfo;
  const host = options.address.includes(':') ? `[${options.address}]` : options.address;
  process.stdout.write(`noderl observe: http://${host}:${port}/ (snapshot at /snapshot.json); ^C stops\n`);
  try {
    await refreshLoop(observer, options.interval, () => options.sort, (s) => void (latest = s), untilSignal());
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  latest = undefined;
  return 0;
}

function listen(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
