import { CATEGORY_IDS } from '../../catalog/categories.ts';
import { loadCatalog } from '../../catalog/load.ts';
import { REPO_ROOT, RESULTS_DIR } from '../../paths.ts';
import { readResultFile } from '../../results/resultFile.ts';
import { SERVICE_NAMES } from '../../services/names.ts';
import { type CommandSpec, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import { color, out, renderTable } from '../output.ts';

export const listSpec: CommandSpec = {
  name: 'list',
  summary: 'list POCs, filtered by category, service or status',
  usage: 'sdlab list [--category <id>] [--service <name>] [--status measured|not-run] [--json]',
  options: {
    category: { type: 'string', description: 'Only this category', choices: CATEGORY_IDS },
    service: { type: 'string', description: 'Only POCs that use this service', choices: SERVICE_NAMES },
    status: {
      type: 'string',
      description: 'measured = has a result file; not-run = none yet',
      choices: ['measured', 'not-run'],
    },
    json: { type: 'boolean', description: 'Stable JSON array on stdout' },
  },
  examples: ['sdlab list', 'sdlab list --category databases', 'sdlab list --service redis --json'],
};

export async function listCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(listSpec, argv);
  if (positionals.length)
    throw new UsageError(`sdlab list takes no arguments, got: ${positionals.join(' ')}`);
  const { pocs } = await loadCatalog(REPO_ROOT);
  const rows = [];
  for (const poc of pocs) {
    const result = await readResultFile(RESULTS_DIR, poc.meta);
    rows.push({
      id: poc.meta.id,
      slug: poc.meta.slug,
      title: poc.meta.title,
      category: poc.meta.category,
      services: poc.meta.services,
      tags: poc.meta.tags,
      status: result ? 'measured' : 'not-run',
      lastRun: result?.date ?? null,
      path: poc.relDir,
    });
  }
  const filtered = rows.filter(
    (r) =>
      (!values.category || r.category === values.category) &&
      (!values.service || r.services.includes(values.service as (typeof SERVICE_NAMES)[number])) &&
      (!values.status || r.status === values.status),
  );
  if (values.json) {
    out(JSON.stringify(filtered, null, 2));
    return EXIT.ok;
  }
  if (filtered.length === 0) {
    out('No POCs match. `sdlab list` without filters shows them all.');
    return EXIT.ok;
  }
  out(
    renderTable(
      [
        { label: 'id', align: 'right' },
        { label: 'slug' },
        { label: 'category' },
        { label: 'services' },
        { label: 'status' },
      ],
      filtered.map((r) => [
        r.id,
        r.slug,
        r.category,
        r.services.join(', ') || '—',
        r.status === 'measured' ? color.green('measured') : color.dim('not run'),
      ]),
    ),
  );
  return EXIT.ok;
}

/** What `sdlab list` is, for the dispatcher in main.ts. */
export const command = { spec: listSpec, run: listCommand };
