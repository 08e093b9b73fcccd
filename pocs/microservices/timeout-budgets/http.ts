import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A node:http server on a free port of 127.0.0.1, and a close() that does not wait for idle keep-alives. */
export async function listen(
  handler: http.RequestListener,
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Aborts when the caller goes away before we answered: its socket closed (its own timeout fired, or
 * its caller's did). node:http reports it as 'close' on the response with `writableFinished` false.
 */
export function callerGone(res: http.ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished)
      controller.abort(new Error('the caller closed the connection before the answer'));
  });
  return controller.signal;
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
