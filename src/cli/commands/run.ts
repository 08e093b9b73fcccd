import path from 'node:path';
import { loadCatalog } from '../../catalog/load.ts';
import { runDemo } from '../../lab/runDemo.ts';
import { REPO_ROOT, RESULTS_DIR } from '../../paths.ts';
import { buildResultFile, writeResultFile } from '../../results/resultFile.ts';
import { disposeAllServers } from '../../services/EphemeralServer.ts';
import { resolveServices } from '../../services/resolve.ts';
import { type CommandSpec, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import { findPoc } from '../findPoc.ts';
import { color, err, out } from '../output.ts';
import { printResults } from '../printResults.ts';

export const runSpec: CommandSpec = {
  name: 'run',
  summary: "run a POC's demo against real servers, print its measured figures and write its result file",
  usage: 'sdlab run <poc> [--quick] [--json] [--no-save]',
  positionals: [{ name: '<poc>', description: 'id (71) or slug (connection-pool-sizing)', required: true }],
  options: {
    quick: { type: 'boolean', description: 'Shrink the load: a smoke run of a second or two' },
    json: { type: 'boolean', description: 'Print the result file to stdout instead of tables' },
    'no-save': { type: 'boolean', description: 'Do not write results/<id>-<slug>.json' },
  },
  examples: ['sdlab run 71', 'sdlab run sliding-window-rate-limiter --quick'],
};

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(runSpec, argv);
  const name = positionals[0];
  if (!name) throw new UsageError('which POC? usage: sdlab run <poc> (see `sdlab list`)');
  if (positionals.length > 1) throw new UsageError(`sdlab run takes one POC, got: ${positionals.join(' ')}`);
  const { pocs } = await loadCatalog(REPO_ROOT);
  const poc = findPoc(pocs, name);
  const json = values.json === true;
  const say = json ? err : out;

  const controller = new AbortController();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // A second Ctrl-C: stop waiting for a polite shutdown.
      process.exit(EXIT.interrupted);
    }
    interrupted = true;
    err(color.yellow(`\n${signal}: stopping ${poc.meta.slug} and its servers…`));
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = performance.now();
  let services: Awaited<ReturnType<typeof resolveServices>> | undefined;
  try {
    if (poc.meta.services.length) {
      err(color.dim(`checking services: ${poc.meta.services.join(', ')}`));
      services = await resolveServices(poc.meta.services, { signal: controller.signal });
      for (const c of services.connections) {
        err(
          color.dim(
            `  ${c.name} ${c.version} (${c.source === 'env' ? 'from environment' : c.source === 'local' ? `found at ${c.url}` : 'started for this run'})`,
          ),
        );
      }
    }
    say(color.bold(`▶ #${poc.meta.id} ${poc.meta.title}${values.quick ? ' (quick)' : ''}`));
    const run = await runDemo({
      poc,
      services: services?.connections ?? [],
      quick: values.quick === true,
      signal: controller.signal,
      log: (line) => say(line),
      progress: progressPrinter(),
    });
    if (controller.signal.aborted) return EXIT.interrupted;
    const result = await buildResultFile({
      meta: poc.meta,
      recorder: run.recorder,
      services: services?.connections ?? [],
      durationMs: performance.now() - started,
      root: REPO_ROOT,
    });
    if (json) out(JSON.stringify(result, null, 2));
    else printResults(result);
    if (values['no-save'] !== true) {
      const file = await writeResultFile(RESULTS_DIR, result);
      err(color.dim(`result file: ${path.relative(process.cwd(), file) || file}`));
    }
    return EXIT.ok;
  } catch (error) {
    if (controller.signal.aborted) return EXIT.interrupted;
    throw error;
  } finally {
    // Every server this process started: the resolved services and any a demo started itself (clusters).
    await disposeAllServers();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `[3/7] pool size 8` on stderr; on a TTY the line is rewritten in place. */
function progressPrinter(): (step: string, done?: number, total?: number) => void {
  const tty = process.stderr.isTTY;
  return (step, done, total) => {
    const counter = done !== undefined && total !== undefined ? `[${done}/${total}] ` : '';
    const line = color.dim(`${counter}${step}`);
    if (tty) process.stderr.write(`\r\u001b[2K${line}${done !== undefined && done === total ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
}

/** What `sdlab run` is, for the dispatcher in main.ts. */
export const command = { spec: runSpec, run: runCommand };
