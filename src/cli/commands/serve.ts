import { type CommandSpec, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import { color, err, out } from '../output.ts';

export const serveSpec: CommandSpec = {
  name: 'serve',
  summary: 'build the website if needed and serve it locally (what `npm start` runs)',
  usage: 'sdlab serve [--port <n>] [--rebuild]',
  options: {
    port: { type: 'string', description: 'Port to listen on (default 4321, or the next free one)' },
    rebuild: { type: 'boolean', description: 'Build the site even if it looks up to date' },
  },
};

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(serveSpec, argv);
  if (positionals.length)
    throw new UsageError(`sdlab serve takes no arguments, got: ${positionals.join(' ')}`);
  const port = typeof values.port === 'string' ? Number(values.port) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new UsageError(`--port must be a number from 1 to 65535, got ${values.port}`);
  }
  const { serveSite } = await import('../../site/serve.ts');
  const controller = new AbortController();
  const server = await serveSite({ port, rebuild: values.rebuild === true, signal: controller.signal });
  out(`${color.green('System Design Lab is running at')} ${color.bold(server.url)}`);
  err(color.dim('Ctrl-C to stop'));
  await new Promise<void>((resolve) => {
    const stop = () => {
      controller.abort();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return EXIT.ok;
}

/** What `sdlab serve` is, for the dispatcher in main.ts. */
export const command = { spec: serveSpec, run: serveCommand };
