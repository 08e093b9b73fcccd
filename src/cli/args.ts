import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  description: string;
  /** For string options: the allowed values, checked after parsing. */
  choices?: readonly string[];
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments, for the help text. */
  positionals?: { name: string; description: string; required?: boolean }[];
  examples?: string[];
}

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help' };

/** Parses argv for one command; any unknown flag becomes a UsageError that names the valid ones. */
export function parseCommandArgs(spec: CommandSpec, argv: string[]): Parsed {
  const options = { ...spec.options, help: HELP };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(options).map(([k, o]) => [
          k,
          o.short ? { type: o.type, short: o.short } : { type: o.type },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const valid = Object.keys(options)
      .map((k) => `--${k}`)
      .join(', ');
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'([^']+)'/.exec(message)?.[1];
    if (flag && /Unknown option/i.test(message)) {
      throw new UsageError(`unknown option ${flag} for 'sdlab ${spec.name}'; valid options: ${valid}`);
    }
    throw new UsageError(`sdlab ${spec.name}: ${message.split('\n')[0]}; valid options: ${valid}`);
  }
  for (const [key, option] of Object.entries(spec.options)) {
    const value = parsed.values[key];
    if (option.choices && typeof value === 'string' && !option.choices.includes(value)) {
      throw new UsageError(`--${key} ${value} is not valid; choose one of: ${option.choices.join(', ')}`);
    }
  }
  return { values: parsed.values as Parsed['values'], positionals: parsed.positionals };
}

export function helpText(spec: CommandSpec): string {
  const lines = [`sdlab ${spec.name} — ${spec.summary}`, '', `Usage: ${spec.usage}`];
  if (spec.positionals?.length) {
    lines.push('', 'Arguments:');
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(22)} ${p.description}`);
  }
  lines.push('', 'Options:');
  for (const [key, o] of Object.entries({ ...spec.options, help: HELP })) {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${key}${o.type === 'string' ? ' <value>' : ''}`;
    const choices = o.choices ? ` (${o.choices.join(' | ')})` : '';
    lines.push(`  ${flag.padEnd(22)} ${o.description}${choices}`);
  }
  if (spec.examples?.length) {
    lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  }
  return lines.join('\n');
}
