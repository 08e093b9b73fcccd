import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CATEGORY_IDS } from '../../catalog/categories.ts';
import { loadCatalog } from '../../catalog/load.ts';
import { SLUG } from '../../catalog/schema.ts';
import { REPO_ROOT } from '../../paths.ts';
import { isServiceName, SERVICE_NAMES } from '../../services/names.ts';
import { type CommandSpec, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import { color, out } from '../output.ts';

/** Plan numbers run to #85; new POCs take the next free id after the highest in use. */
const HIGHEST_PLAN_NUMBER = 85;

export const newSpec: CommandSpec = {
  name: 'new',
  summary: 'scaffold a new POC from the template',
  usage: 'sdlab new poc <slug> --category <id> [--title <text>] [--services redis,postgres] [--id <n>]',
  positionals: [
    { name: 'poc', description: 'what to create (only "poc" for now)', required: true },
    { name: '<slug>', description: 'folder name: lower-case words joined by hyphens', required: true },
  ],
  options: {
    category: { type: 'string', description: 'One of the ten categories', choices: CATEGORY_IDS },
    title: { type: 'string', description: 'Human title (default: from the slug)' },
    services: { type: 'string', description: `Comma-separated: ${SERVICE_NAMES.join(', ')}` },
    id: { type: 'string', description: "The plans' number (#46-#85) if it has one; default: next free" },
    root: { type: 'string', description: 'Create it in another checkout of the lab (default: this one)' },
  },
  examples: ['sdlab new poc cache-aside --category caching --services redis --id 61'],
};

export async function newCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(newSpec, argv);
  const [kind, slug] = positionals;
  if (kind !== 'poc')
    throw new UsageError('usage: sdlab new poc <slug> --category <id> (only POCs can be scaffolded)');
  if (!slug || !SLUG.test(slug))
    throw new UsageError(`slug "${slug ?? ''}" must be lower-case words joined by hyphens, e.g. cache-aside`);
  const category = values.category;
  if (typeof category !== 'string')
    throw new UsageError(`--category is required; one of: ${CATEGORY_IDS.join(', ')}`);
  const services =
    typeof values.services === 'string'
      ? values.services
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const unknown = services.filter((s) => !isServiceName(s));
  if (unknown.length)
    throw new UsageError(`unknown service ${unknown.join(', ')}; use: ${SERVICE_NAMES.join(', ')}`);

  const root = typeof values.root === 'string' ? path.resolve(values.root) : REPO_ROOT;
  const { pocs } = await loadCatalog(root);
  if (pocs.some((p) => p.meta.slug === slug)) throw new UsageError(`a POC named ${slug} exists already`);
  let id = Math.max(HIGHEST_PLAN_NUMBER, ...pocs.map((p) => p.meta.id)) + 1;
  if (typeof values.id === 'string') {
    id = Number(values.id);
    if (!Number.isInteger(id) || id < 1)
      throw new UsageError(`--id must be a positive whole number, got ${values.id}`);
    const taken = pocs.find((p) => p.meta.id === id);
    if (taken) throw new UsageError(`id ${id} is taken by ${taken.meta.slug}`);
  }
  const title =
    typeof values.title === 'string'
      ? values.title
      : slug.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
  const className = slug.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
  const vars: Record<string, string> = {
    id: String(id),
    slug,
    title,
    category,
    className,
    services: services.join(', '),
    prerequisites: services.length
      ? `Node 24 (installed by \`npm install\`) and ${services.join(', ')}: set its URL variable or let the lab start one (\`npm run sdlab -- doctor\`).`
      : 'Node 24 (installed by `npm install`). No server needed.',
  };
  const fill = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => vars[key] ?? '');

  const target = path.join(root, 'pocs', category, slug);
  const staging = `${target}.new-${process.pid}`;
  const templateDir = path.join(REPO_ROOT, 'templates', 'poc');
  // Write into a staging folder and rename at the end: an error never leaves half a POC behind.
  try {
    await mkdir(staging, { recursive: true });
    for (const file of await readdir(templateDir)) {
      const name = file.replace(/^Thing/, className).replace(/\.tpl$/, '');
      await writeFile(path.join(staging, name), fill(await readFile(path.join(templateDir, file), 'utf8')));
    }
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  out(color.green(`created pocs/${category}/${slug}/ (id ${id})`));
  out(
    'next: fill in README.md, make the test prove the claim, then `npm run sdlab -- check` and `npm run sdlab -- test ' +
      slug +
      '`',
  );
  return EXIT.ok;
}

/** What `sdlab new` is, for the dispatcher in main.ts. */
export const command = { spec: newSpec, run: newCommand };
