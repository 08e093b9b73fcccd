#!/usr/bin/env node
import { type CommandSpec, helpText, parseCommandArgs } from './args.ts';
import { EXIT, UsageError } from './errors.ts';
import { color, err, out } from './output.ts';

interface CommandModule {
  spec: CommandSpec;
  run(argv: string[]): Promise<number>;
}

/** Loaded on demand: `sdlab list` does not pay for the website's or the servers' modules. */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  list: () => import('./commands/list.ts').then((m) => m.command),
  show: () => import('./commands/show.ts').then((m) => m.command),
  run: () => import('./commands/run.ts').then((m) => m.command),
  test: () => import('./commands/test.ts').then((m) => m.command),
  doctor: () => import('./commands/doctor.ts').then((m) => m.command),
  check: () => import('./commands/check.ts').then((m) => m.command),
  progress: () => import('./commands/progress.ts').then((m) => m.command),
  new: () => import('./commands/new.ts').then((m) => m.command),
  serve: () => import('./commands/serve.ts').then((m) => m.command),
};

async function mainHelp(): Promise<string> {
  const specs = await Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).spec));
  return [
    'sdlab — System Design Lab: run production system-design POCs against real servers',
    '',
    'Usage: sdlab <command> [options]     (from the repo: npm run sdlab -- <command>)',
    '',
    'Commands:',
    ...specs.map((spec) => `  ${spec.name.padEnd(10)} ${spec.summary}`),
    '',
    'Run `sdlab <command> --help` for its options. A POC is named by id (71) or slug.',
    'Environment: REDIS_URL, DATABASE_URL, MYSQL_URL, AMQP_URL, NATS_URL, MQTT_URL point at your servers;',
    'without them the lab starts its own from installed binaries. NO_COLOR=1 turns colour off.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(await mainHelp());
    return name ? EXIT.ok : EXIT.usage;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    parseCommandArgs(command.spec, rest); // still reject unknown flags
    out(helpText(command.spec));
    return EXIT.ok;
  }
  return command.run(rest);
}

// Run only when executed, not when imported by a test.
if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        err(`${color.red('error:')} ${error.message}`);
        process.exitCode = EXIT.usage;
      } else {
        // A bug or a failed server: say what happened; the stack only on request.
        const message = error instanceof Error ? error.message : String(error);
        err(`${color.red('error:')} ${message}`);
        if (process.env.SDLAB_DEBUG && error instanceof Error) err(error.stack ?? '');
        else err(color.dim('(set SDLAB_DEBUG=1 for the stack trace)'));
        process.exitCode = EXIT.failed;
      }
    },
  );
}
