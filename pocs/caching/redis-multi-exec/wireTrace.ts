import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { Redis } from 'ioredis';

export interface WireTrace {
  /** Command names Redis received from the client, in order, as MONITOR reports them. */
  multi: string[];
  pipeline: string[];
  /** What each `exec()` resolved to: ioredis gives [error, result] per command in both cases. */
  multiReplies: Array<[Error | null, unknown]> | null;
  pipelineReplies: Array<[Error | null, unknown]> | null;
}

// #region wire-trace
/**
 * Sends the same two commands once through `multi()` and once through `pipeline()`, and records
 * what reached Redis with MONITOR (filtered to this client's address). Debug tool only: MONITOR
 * slows a busy server down.
 */
export async function traceMultiVsPipeline(url: string, key: string): Promise<WireTrace> {
  const client = new Redis(url);
  let monitor: Socket | undefined;
  try {
    const info = (await client.client('INFO')) as string;
    const address = /addr=(\S+)/.exec(info)?.[1];
    if (!address) throw new Error(`CLIENT INFO gave no addr= field: ${info}`);
    const seen: string[] = [];
    monitor = await openMonitor(url, (source, command) => {
      if (source === address) seen.push(command);
    });
    const take = async () => {
      // A marker round trip after the batch; MONITOR reports in order, so once the marker shows up
      // everything sent before it has too. Waiting for it (not a fixed sleep) holds on a loaded machine.
      await client.ping('marker');
      const deadline = performance.now() + 5_000;
      while (!seen.includes('PING')) {
        if (performance.now() > deadline)
          throw new Error('MONITOR did not report the marker PING within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return seen.splice(0).slice(0, -1); // everything before the marker
    };
    const multiReplies = await client.multi().incr(key).incr(key).exec();
    const multi = await take();
    const pipelineReplies = await client.pipeline().incr(key).incr(key).exec();
    const pipeline = await take();
    return { multi, pipeline, multiReplies, pipelineReplies };
  } finally {
    monitor?.destroy();
    await client.del(key).catch(() => {});
    await client.quit().catch(() => client.disconnect());
  }
}

/**
 * MONITOR on a plain socket. (ioredis's monitor() can mistake MONITOR lines that arrive right after
 * its +OK for command replies on a busy server; reading the lines ourselves avoids that.)
 * Each MONITOR line looks like: +1700000000.123456 [0 127.0.0.1:50000] "rpush" "key" "value"
 */
async function openMonitor(
  url: string,
  onCommand: (source: string, command: string) => void,
): Promise<Socket> {
  const { hostname, port, password, username } = new URL(url);
  const socket = createConnection({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
  await once(socket, 'connect');
  if (password)
    socket.write(`AUTH ${decodeURIComponent(username || 'default')} ${decodeURIComponent(password)}\r\n`);
  socket.write('MONITOR\r\n');
  let buffer = '';
  let oksLeft = password ? 2 : 1; // AUTH's +OK (if any), then MONITOR's
  let ready: () => void;
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let end = buffer.indexOf('\r\n');
    while (end >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\r\n');
      if (line === '+OK' && --oksLeft === 0) ready();
      const match = /^\+\d+\.\d+ \[\d+ (\S+)\] "([^"]+)"/.exec(line);
      if (match) onCommand(match[1]!, match[2]!.toUpperCase());
    }
  });
  await started; // MONITOR's +OK: from here on every command is reported
  return socket;
}
// #endregion wire-trace
