#!/usr/bin/env node
import { type CommandSpec, helpText, parseCommandArgs } from './args.ts';
import { EXIT, UsageError } from './errors.ts';
import { color, err, out } from './output.ts';

interface CommandModule {
  spec: CommandSpec;
  run(argv: string[]): Promise<number>;
}

/** Loaded on demand: `sdlab list` does not pay for the website's or the servers' modules. */
const COMMANDS: { name: string; summary: string; load(): Promise<CommandModule> }[] = [
  {
    name: 'list',
    summary: 'list POCs, filtered by category, service or status',
    load: async () => {
      const m = await import('./commands/list.ts');
      return { spec: m.listSpec, run: m.listCommand };
    },
  },
  {
    name: 'show',
    summary: "a POC's metadata, files and latest measured results",
    load: async () => {
      const m = await import('./commands/show.ts');
      return { spec: m.showSpec, run: m.showCommand };
    },
  },
  {
    name: 'run',
    summary: "run a POC's demo against real servers and record its figures",
    load: async () => {
      const m = await import('./commands/run.ts');
      return { spec: m.runSpec, run: m.runCommand };
    },
  },
  {
    name: 'test',
    summary: "run a POC's tests (or a category's) against real servers",
    load: async () => {
      const m = await import('./commands/test.ts');
      return { spec: m.testSpec, run: m.testCommand };
    },
  },
  {
    name: 'doctor',
    summary: 'which services are reachable or startable, versions, what to install',
    load: async () => {
      const m = await import('./commands/doctor.ts');
      return { spec: m.doctorSpec, run: m.doctorCommand };
    },
  },
  {
    name: 'check',
    summary: 'validate the catalog: metadata, sections, demos, tests, ids, links',
    load: async () => {
      const m = await import('./commands/check.ts');
      return { spec: m.checkSpec, run: m.checkCommand };
    },
  },
  {
    name: 'progress',
    summary: 'coverage per category against the roadmap targets',
    load: async () => {
      const m = await import('./commands/progress.ts');
      return { spec: m.progressSpec, run: m.progressCommand };
    },
  },
  {
    name: 'new',
    summary: 'scaffold a new POC from the template',
    load: async () => {
      const m = await import('./commands/new.ts');
      return { spec: m.newSpec, run: m.newCommand };
    },
  },
  {
    name: 'serve',
    summary: 'build the website if needed and serve it locally',
    load: async () => {
      const m = await import('./commands/serve.ts');
      return { spec: m.serveSpec, run: m.serveCommand };
    },
  },
];

function mainHelp(): string {
  return [
    'sdlab — System Design Lab: run production system-design POCs against real servers',
    '',
    'Usage: sdlab <command> [options]     (from the repo: npm run sdlab -- <command>)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'Run `sdlab <command> --help` for its options. A POC is named by id (71) or slug.',
    'Environment: REDIS_URL, DATABASE_URL, MYSQL_URL, AMQP_URL, NATS_URL, MQTT_URL point at your servers;',
    'without them the lab starts its own from installed binaries. NO_COLOR=1 turns colour off.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(mainHelp());
    return name ? EXIT.ok : EXIT.usage;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
  }
  const command = await entry.load();
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
