/**
 * The optional live-metrics endpoint (`hardtick run --metrics 127.0.0.1:9464`): a
 * `node:http` server on the non-RT side serving `/metrics` in the Prometheus text format.
 * It never runs on the loop's thread in worker mode; on the main-thread loop it only runs
 * when the loop yields to the event loop, so a scrape can never preempt a frame.
 *
 * Binds loopback (127.0.0.1) unless told otherwise: the endpoint has no authentication.
 * It binds exactly the host it is given; `loopback` in the result says whether that is
 * reachable from other machines, so the CLI can warn.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { HardtickError } from '../errors.js';
import { EXPOSITION_CONTENT_TYPE, renderExposition } from './exposition.js';
import { type MetricsSource, metricFamilies } from './source.js';

/** Default host: loopback only. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';
/** Default port (the OpenTelemetry Prometheus exporter's). */
export const DEFAULT_METRICS_PORT = 9464;

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  /** Interface to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** TCP port; 0 picks a free one. @default 9464 */
  readonly port?: number;
  /** Called once per scrape for the current figures (may return a promise). */
  readonly collect: () => MetricsSource | Promise<MetricsSource>;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** Base URL, e.g. `http://127.0.0.1:9464/`; the metrics are at `${url}metrics`. */
  readonly url: string;
  readonly host: string;
  /** The bound port (the chosen one when 0 was asked). */
  readonly port: number;
  /** True when bound to a loopback address only. */
  readonly loopback: boolean;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the endpoint: `GET /metrics` → the exposition text; `GET /` → a short pointer;
 * anything else → 404 (405 for methods other than GET/HEAD). A failing `collect` gives
 * a 500 with its message; the server keeps running.
 * @throws HardtickError `usage` when the port is taken, the host cannot be bound, or the port is invalid.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? DEFAULT_METRICS_HOST;
  const port = options.port ?? DEFAULT_METRICS_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HardtickError('usage', `metrics: expected a port from 0 to 65535, got ${port}`);
  }
  const server = createServer((request, response) => {
    void handle(request, response, options.collect);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const reason =
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is already in use`
          : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
            ? `${host} is not an address of this machine`
            : error.code === 'EACCES'
              ? `binding port ${port} needs privileges`
              : error.message;
      reject(
        new HardtickError('usage', `metrics: cannot listen on ${formatHostPort(host, port)}: ${reason}`, {
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${formatHostPort(host, boundPort)}/`,
    host,
    port: boundPort,
    loopback: isLoopbackHost(host),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  collect: MetricsServerOptions['collect'],
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'text/plain; charset=utf-8', 'method not allowed: use GET\n', { Allow: 'GET, HEAD' });
    return;
  }
  if (path === '/metrics') {
    let body: string;
    try {
      body = renderExposition(metricFamilies(await collect()));
    } catch (error) {
      send(response, 500, 'text/plain; charset=utf-8', `collecting metrics failed: ${errorText(error)}\n`);
      return;
    }
    send(response, 200, EXPOSITION_CONTENT_TYPE, body);
    return;
  }
  if (path === '/') {
    send(
      response,
      200,
      'text/html; charset=utf-8',
      '<!doctype html><title>hardtick metrics</title><p>hardtick: Prometheus metrics at <a href="/metrics">/metrics</a></p>\n',
    );
    return;
  }
  send(response, 404, 'text/plain; charset=utf-8', `not found: ${path}; metrics are at /metrics\n`);
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

/** True for `localhost`, 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h.startsWith('::ffff:127.');
}

/** `host:port`, with IPv6 hosts in brackets. */
export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Parses the `--metrics` value: `PORT`, `:PORT`, `HOST:PORT`, `[IPV6]:PORT` or `HOST`
 * (default port). The host defaults to loopback.
 * @throws HardtickError `usage` with what was expected.
 */
export function parseMetricsAddress(text: string): { host: string; port: number } {
  const value = text.trim();
  const bad = (why: string): HardtickError =>
    new HardtickError(
      'usage',
      `--metrics: expected [host:]port like 127.0.0.1:9464, :9464 or [::1]:9464, got ${JSON.stringify(text)} (${why})`,
    );
  let host = DEFAULT_METRICS_HOST;
  let portText: string | null;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
  if (bracket !== null) {
    host = bracket[1] ?? '';
    portText = bracket[2] ?? null;
    if (isIP(host) !== 6) throw bad(`${JSON.stringify(host)} is not an IPv6 address`);
  } else if (/^\d+$/.test(value)) {
    portText = value;
  } else {
    const colon = value.lastIndexOf(':');
    if (colon >= 0 && value.indexOf(':') !== colon) throw bad('write IPv6 addresses in brackets');
    if (colon < 0) {
      host = value;
      portText = null;
    } else {
      host = colon === 0 ? DEFAULT_METRICS_HOST : value.slice(0, colon);
      portText = value.slice(colon + 1);
    }
    if (host === '') throw bad('missing host');
  }
  if (portText === null) return { host, port: DEFAULT_METRICS_PORT };
  if (!/^\d+$/.test(portText)) throw bad('the port must be a number');
  const port = Number(portText);
  if (port > 65535) throw bad('the port must be at most 65535');
  return { host, port };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
