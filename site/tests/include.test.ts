/**
 * The include resolver, on temporary files: a missing or unbalanced region marker must stop the build
 * with a message that names the file and the region.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultFile } from '../../src/results/schema.ts';
import { generateSite } from '../../src/site/generate.ts';
import { expandMarkdown, type IncludeContext, parseAttributes } from '../../src/site/includes.ts';
import { extractRegion, IncludeError, parseRegions, stripMarkers } from '../../src/site/regions.ts';

let root: string;

const POOL_TS = `import pg from 'pg';

export class Pool {
  // #region acquire
  async acquire() {
    // #region inner
    return this.pool.connect();
    // #endregion inner
  }
  // #endregion acquire
}
`;

const SCRIPT_LUA = `local key = KEYS[1]
-- #region count
local n = redis.call('ZCARD', key)
-- #endregion count
return n
`;

const CONFIG_YAML = `# #region limits
limits:
  rps: 10
# #endregion limits
`;

const RESULT: ResultFile = {
  schema: 1,
  poc: { id: 7, slug: 'demo-pool', title: 'Demo pool', category: 'databases' },
  date: '2026-01-02T03:04:05.000Z',
  commit: 'abc123',
  durationMs: 1234,
  machine: { cpuModel: 'Test CPU', cores: 2, memoryGiB: 4, os: 'Linux', node: 'v24.0.0' },
  services: [{ name: 'postgres', version: '16.1', source: 'ephemeral' }],
  figures: [{ key: 'peak', label: 'Peak', value: 1234.5, unit: 'ops/s' }],
  tables: [
    {
      id: 'sweep',
      title: 'Sweep',
      columns: [
        { key: 'size', label: 'Pool size' },
        { key: 'ops', label: 'Throughput', unit: 'ops/s' },
        { key: 'p99', label: 'p99', unit: 'ms' },
      ],
      rows: [
        { size: 1, ops: 100, p99: 50 },
        { size: 4, ops: 380, p99: 20 },
        { size: 16, ops: 900, p99: 12 },
      ],
      chart: { type: 'line', x: 'size', y: ['ops', 'p99'] },
    },
  ],
  comparisons: [
    {
      id: 'bulkhead',
      title: 'Bulkhead',
      unit: 'ms',
      better: 'lower',
      baseline: { label: 'shared', value: 100 },
      candidate: { label: 'split', value: 10 },
      ratio: 0.1,
    },
  ],
  notes: [],
};

function ctx(file = 'content/articles/a.md'): IncludeContext {
  return {
    root,
    file,
    result: (ref) =>
      ref === '7' || ref === 'demo-pool'
        ? { result: RESULT, file: 'results/7-demo-pool.json', pocHref: '/pocs/demo-pool/' }
        : ref === '8'
          ? 'not-run'
          : 'no-poc',
    linkFor: (rel) => (rel.replace(/\/$/, '') === 'pocs/databases/demo-pool' ? '/pocs/demo-pool/' : null),
  };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sdlab-include-'));
  await mkdir(path.join(root, 'pocs/databases/demo-pool'), { recursive: true });
  await writeFile(path.join(root, 'pocs/databases/demo-pool/Pool.ts'), POOL_TS);
  await writeFile(path.join(root, 'pocs/databases/demo-pool/script.lua'), SCRIPT_LUA);
  await writeFile(path.join(root, 'pocs/databases/demo-pool/config.yaml'), CONFIG_YAML);
  await writeFile(path.join(root, 'pocs/databases/demo-pool/Unclosed.ts'), '// #region open\nconst a = 1;\n');
  await writeFile(
    path.join(root, 'pocs/databases/demo-pool/Crossed.ts'),
    '// #region a\n// #region b\n// #endregion a\n// #endregion b\n',
  );
  await writeFile(
    path.join(root, 'pocs/databases/demo-pool/Stray.ts'),
    'const a = 1;\n// #endregion ghost\n',
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('region markers', () => {
  it('extracts a region, dedented, without nested markers', () => {
    expect(extractRegion('Pool.ts', POOL_TS, 'acquire')).toBe(
      'async acquire() {\n  return this.pool.connect();\n}\n',
    );
    expect(extractRegion('Pool.ts', POOL_TS, 'inner')).toBe('return this.pool.connect();\n');
  });

  it('understands -- (Lua) and # (YAML, shell) comments', () => {
    expect(extractRegion('script.lua', SCRIPT_LUA, 'count')).toBe("local n = redis.call('ZCARD', key)\n");
    expect(extractRegion('config.yaml', CONFIG_YAML, 'limits')).toBe('limits:\n  rps: 10\n');
  });

  it('shows a whole file without its markers', () => {
    expect(stripMarkers('Pool.ts', POOL_TS)).not.toContain('#region');
    expect(stripMarkers('Pool.ts', POOL_TS)).toContain('return this.pool.connect();');
  });

  it('lists regions with their nesting depth', () => {
    expect(parseRegions('Pool.ts', POOL_TS).map((r) => [r.name, r.depth])).toEqual([
      ['acquire', 0],
      ['inner', 1],
    ]);
  });

  it('names the file and the region when the region is missing', () => {
    expect(() => extractRegion('pocs/x/Pool.ts', POOL_TS, 'release')).toThrow(IncludeError);
    expect(() => extractRegion('pocs/x/Pool.ts', POOL_TS, 'release')).toThrow(
      /pocs\/x\/Pool\.ts: region "release" not found.*regions in this file: acquire, inner/,
    );
  });

  it('rejects unclosed, crossed, stray and duplicated markers with the line', () => {
    expect(() => parseRegions('U.ts', '// #region open\nx\n')).toThrow(
      /U\.ts:1: region "open" is never closed/,
    );
    expect(() =>
      parseRegions('C.ts', '// #region a\n// #region b\n// #endregion a\n// #endregion b\n'),
    ).toThrow(/C\.ts:3: "#endregion a" closes before region "b"/);
    expect(() => parseRegions('S.ts', 'x\n// #endregion ghost\n')).toThrow(
      /S\.ts:2: "#endregion ghost" has no matching/,
    );
    expect(() =>
      parseRegions('D.ts', '// #region a\n// #endregion a\n// #region a\n// #endregion a\n'),
    ).toThrow(/D\.ts:3: region "a" is opened twice/);
    expect(() => parseRegions('N.ts', '// #region\n// #endregion\n')).toThrow(
      /N\.ts:1: "#region" needs a name/,
    );
  });
});

describe('expandMarkdown', () => {
  it('replaces an include fence with the region, titled with its path', async () => {
    const md = 'Intro\n\n```ts include="pocs/databases/demo-pool/Pool.ts#acquire"\n```\n\nAfter';
    const out = await expandMarkdown(md, ctx());
    expect(out).toContain('```ts title="pocs/databases/demo-pool/Pool.ts — acquire"\nasync acquire() {');
    expect(out).not.toContain('include=');
    expect(out).toContain('After');
  });

  it('resolves ./ paths against the markdown file and infers the language', async () => {
    const md = '```lua include="./script.lua#count"\n```';
    const out = await expandMarkdown(md, ctx('pocs/databases/demo-pool/README.md'));
    expect(out).toContain('```lua title="pocs/databases/demo-pool/script.lua — count"');
  });

  it('takes the language from the file when the block names none', async () => {
    const out = await expandMarkdown('```include="pocs/databases/demo-pool/config.yaml#limits"\n```', ctx());
    expect(out).toBe(
      '```yaml title="pocs/databases/demo-pool/config.yaml — limits"\nlimits:\n  rps: 10\n```',
    );
  });

  it('fails the build on a missing region, naming markdown file, source file and region', async () => {
    const md = '```ts include="pocs/databases/demo-pool/Pool.ts#release"\n```';
    await expect(expandMarkdown(md, ctx())).rejects.toThrow(
      /content\/articles\/a\.md: include "pocs\/databases\/demo-pool\/Pool\.ts#release": pocs\/databases\/demo-pool\/Pool\.ts: region "release" not found/,
    );
  });

  it('fails the build on an unbalanced marker anywhere in the included file', async () => {
    await expect(
      expandMarkdown('```ts include="pocs/databases/demo-pool/Unclosed.ts"\n```', ctx()),
    ).rejects.toThrow(/Unclosed\.ts:1: region "open" is never closed/);
    await expect(
      expandMarkdown('```ts include="pocs/databases/demo-pool/Crossed.ts#b"\n```', ctx()),
    ).rejects.toThrow(/Crossed\.ts:3: "#endregion a" closes before region "b"/);
    await expect(
      expandMarkdown('```ts include="pocs/databases/demo-pool/Stray.ts"\n```', ctx()),
    ).rejects.toThrow(/Stray\.ts:2: "#endregion ghost"/);
  });

  it('fails on a missing file, a pasted body and a path outside the repository', async () => {
    await expect(expandMarkdown('```ts include="pocs/nope.ts#a"\n```', ctx())).rejects.toThrow(
      /file pocs\/nope\.ts not found/,
    );
    await expect(
      expandMarkdown(
        '```ts include="pocs/databases/demo-pool/Pool.ts#acquire"\nconst pasted = 1;\n```',
        ctx(),
      ),
    ).rejects.toThrow(/must be empty/);
    await expect(expandMarkdown('```ts include="../../../etc/passwd"\n```', ctx())).rejects.toThrow(
      /outside the repository/,
    );
  });

  it('renders a result table with its charts and where it was measured', async () => {
    const out = await expandMarkdown('Text\n\n::results{poc="7" table="sweep"}\n', ctx());
    expect(out).toContain('<table class="sdl-table">');
    expect(out).toContain('<caption>Sweep</caption>');
    // ops/s and ms are charted on separate panels, never one axis.
    expect(out.match(/<svg class="sdl-chart"/g)).toHaveLength(2);
    expect(out).toContain('Test CPU, 2 cores, v24.0.0, postgres 16.1');
    expect(out).toContain('href="/pocs/demo-pool/"');
  });

  it('renders figures, comparisons and inline figures', async () => {
    const out = await expandMarkdown(
      '::results{poc="demo-pool" figures}\n\n::results{poc="7" comparisons}\n\nPeak was :result{poc="7" figure="peak"}, a :result{poc=7 comparison=bulkhead} ratio.',
      ctx(),
    );
    expect(out).toContain('1234.5 ops/s');
    expect(out).toContain('Candidate ÷ baseline');
    expect(out).toContain(
      'Peak was <span class="sdl-figure">1234.5 ops/s</span>, a <span class="sdl-figure">0.1×</span> ratio.',
    );
  });

  it('fails the build on a missing result file, POC, table or figure', async () => {
    await expect(expandMarkdown('::results{poc="7" table="nope"}', ctx())).rejects.toThrow(
      /results\/7-demo-pool\.json has no table "nope" \(tables: sweep\)/,
    );
    await expect(expandMarkdown('::results{poc="8" table="sweep"}', ctx())).rejects.toThrow(
      /no result file yet/,
    );
    await expect(expandMarkdown('::results{poc="99" table="sweep"}', ctx())).rejects.toThrow(
      /no POC has the id or slug "99"/,
    );
    await expect(expandMarkdown('x :result{poc="7" figure="nope"}', ctx())).rejects.toThrow(
      /has no figure "nope"/,
    );
    await expect(expandMarkdown('::results{poc="7"}', ctx())).rejects.toThrow(/needs table=/);
  });

  it('leaves code blocks and inline code alone', async () => {
    const md = '```md\n::results{poc="99" table="x"}\n```\n\nWrite `:result{poc="99" figure="x"}` inline.';
    expect(await expandMarkdown(md, ctx())).toBe(md);
  });

  it('turns mermaid blocks into escaped <pre class="mermaid"> blocks', async () => {
    const out = await expandMarkdown('```mermaid\ngraph LR\n  A --> B\n\n  B --> C\n```', ctx());
    expect(out).toContain(
      '<pre class="mermaid sdl-mermaid" data-diagram="mermaid">graph LR\n  A --&gt; B\n\n  B --&gt; C</pre>',
    );
  });

  it('rewrites relative links to POC folders, and unlinks targets without a page', async () => {
    const warnings: string[] = [];
    const c = { ...ctx('pocs/databases/other/README.md'), warn: (m: string) => warnings.push(m) };
    const out = await expandMarkdown(
      'See [the pool](../demo-pool/) and [the plan](../../../docs/plan.md).',
      c,
    );
    expect(out).toBe('See [the pool](/pocs/demo-pool/) and the plan.');
    expect(warnings).toHaveLength(1);
  });

  it('resolves every link against its markdown file, dot-names included', async () => {
    const out = await expandMarkdown(
      'This [POC](.) and [its folder](./), [a hidden file](.notes.md).',
      ctx('pocs/databases/demo-pool/README.md'),
    );
    expect(out).toBe('This [POC](/pocs/demo-pool/) and [its folder](/pocs/demo-pool/), a hidden file.');
  });

  it('parses directive attributes', () => {
    expect(parseAttributes(' poc="71" table=sweep chart=\'false\' figures')).toEqual({
      poc: '71',
      table: 'sweep',
      chart: 'false',
      figures: true,
    });
  });
});

describe('generateSite over a small repository', () => {
  const README = `---
id: 7
slug: demo-pool
title: Demo pool
summary: A pool that lends connections, to test the site.
category: databases
expectedRunSeconds: 1
---

# Demo pool

See [the code](Pool.ts).
`;
  let repo: string;
  const pocDir = () => path.join(repo, 'pocs/databases/demo-pool');
  const generate = () => generateSite({ root: repo, siteDir: path.join(repo, 'site') });
  const page = () => readFile(path.join(repo, 'site/src/content/docs/pocs/demo-pool.md'), 'utf8');

  beforeAll(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'sdlab-generate-'));
    await mkdir(pocDir(), { recursive: true });
    await mkdir(path.join(repo, 'results'));
    await writeFile(path.join(pocDir(), 'README.md'), README);
    await writeFile(path.join(pocDir(), 'Pool.ts'), POOL_TS);
  });

  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('shows a source file as its top-level regions, then the whole file folded', async () => {
    const report = await generate();
    expect(report.pages).toContain('pocs/demo-pool.md');
    const md = await page();
    expect(md).toContain('```ts title="Pool.ts — acquire"\nasync acquire() {');
    expect(md).not.toContain('title="Pool.ts — inner"');
    expect(md).toMatch(/<summary>Whole file: Pool\.ts \(\d+ lines\)<\/summary>/);
    expect(md).not.toContain('#region');
    expect(md).toContain('[the code](/pocs/demo-pool/#source-code)');
    expect(md).toContain('Not measured yet');
  });

  it('shows the latest result, and fails on a result file that is not valid', async () => {
    const file = path.join(repo, 'results/7-demo-pool.json');
    await writeFile(file, JSON.stringify(RESULT));
    try {
      await generate();
      expect(await page()).toContain('<caption>Sweep</caption>');
      await writeFile(file, JSON.stringify({ ...RESULT, machine: undefined }));
      await expect(generate()).rejects.toThrow(
        /results\/7-demo-pool\.json is not a valid result file: field "machine"/,
      );
    } finally {
      await rm(file);
    }
  });

  it('fails on an unbalanced marker in any source file the POC page shows', async () => {
    const file = path.join(pocDir(), 'Unclosed.ts');
    await writeFile(file, 'const a = 1;\n// #region open\n');
    try {
      await expect(generate()).rejects.toThrow(
        /pocs\/databases\/demo-pool\/Unclosed\.ts:2: region "open" is never closed/,
      );
    } finally {
      await rm(file);
    }
  });
});
