import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CATEGORY_IDS } from '../catalog/categories.ts';
import { loadRoadmap } from './load.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe('the real roadmap', () => {
  it('has a valid file for every category, in catalog order', async () => {
    const roadmap = await loadRoadmap(repoRoot);
    expect(roadmap.categories.map((c) => c.category)).toEqual(CATEGORY_IDS);
    for (const c of roadmap.categories) {
      expect(c.items.length, c.category).toBeGreaterThan(0);
      expect(c.targets.source.length, c.category).toBeGreaterThan(10);
    }
  });

  it('has unique ids', async () => {
    const { items } = await loadRoadmap(repoRoot);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });

  it('contains the items POCs already reference', async () => {
    const { items } = await loadRoadmap(repoRoot);
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get('databases/connection-pool-sizing')).toMatchObject({ kind: 'poc', plan: 71 });
    expect(byId.get('api-design/sliding-window-rate-limiter')).toMatchObject({ kind: 'poc' });
    expect(byId.get('microservices/circuit-breaker')).toMatchObject({ kind: 'poc' });
    expect(byId.get('databases/connection-pool-starvation')).toMatchObject({ kind: 'problem', plan: 1 });
    expect(byId.get('databases/connection-pool-management')).toMatchObject({ kind: 'article' });
  });

  it('covers every numbered POC (#46-#85) and problem (1-8) of the plans exactly once', async () => {
    const { items } = await loadRoadmap(repoRoot);
    const pocNumbers = items.filter((i) => i.kind === 'poc' && i.plan !== undefined).map((i) => i.plan);
    const problemNumbers = items.filter((i) => i.kind === 'problem').map((i) => i.plan);
    expect(pocNumbers.sort((a, b) => a! - b!)).toEqual(Array.from({ length: 40 }, (_, i) => 46 + i));
    expect(problemNumbers.sort((a, b) => a! - b!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('loadRoadmap on bad data', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function roadmapWith(files: Record<string, string>): Promise<string> {
    dir = await mkdtemp(path.join(tmpdir(), 'sdlab-roadmap-'));
    await mkdir(path.join(dir, 'roadmap'));
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, 'roadmap', name), text);
    return dir;
  }

  const header = (category: string) =>
    `category: ${category}\ntargets: { pocs: 1, articles: 1, problems: 0, source: test }\n`;

  it('names the file and the field of an invalid item', async () => {
    const root = await roadmapWith({
      'caching.yaml': `${header('caching')}items:
  - { id: caching/ok, kind: poc, title: Fine item, sources: [week-2-plan.md] }
  - { id: caching/bad, kind: video, title: Bad kind, sources: [week-2-plan.md] }
`,
    });
    await expect(loadRoadmap(root)).rejects.toThrow(
      /roadmap\/caching\.yaml: items\[1\]\.kind \(caching\/bad\)/,
    );
  });

  it('rejects unknown fields, unknown plans and a wrong id prefix', async () => {
    const root = await roadmapWith({
      'cdn.yaml': `${header('cdn')}items:
  - { id: caching/x, kind: poc, title: Wrong prefix, sources: [week-2-plan.md] }
  - { id: cdn/y, kind: poc, title: Bad plan, sources: [my-notes.md] }
  - { id: cdn/z, kind: poc, title: Extra field, sources: [week-2-plan.md], owner: me }
`,
    });
    const error = await loadRoadmap(root).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/roadmap\/cdn\.yaml: items\[0\]\.id \(caching\/x\): .*must start with "cdn\/"/);
    expect(message).toMatch(/roadmap\/cdn\.yaml: items\[1\]\.sources\[0\] \(cdn\/y\)/);
    expect(message).toMatch(/roadmap\/cdn\.yaml: items\[2\] \(cdn\/z\): .*owner/);
  });

  it('rejects a category that disagrees with the file name', async () => {
    const root = await roadmapWith({ 'cdn.yaml': `${header('caching')}items: []\n` });
    await expect(loadRoadmap(root)).rejects.toThrow(/roadmap\/cdn\.yaml: category: "caching" does not match/);
  });

  it('rejects the same id in two files', async () => {
    const item = '  - { id: caching/same, kind: poc, title: Same id, sources: [week-2-plan.md] }\n';
    const root = await roadmapWith({
      'caching.yaml': `${header('caching')}items:\n${item}`,
      'cdn.yaml': `${header('cdn')}items:\n${item}`,
    });
    await expect(loadRoadmap(root)).rejects.toThrow(/roadmap\/cdn\.yaml: items\[0\]\.id \(caching\/same\)/);
  });

  it('rejects the same id twice in one file', async () => {
    const item = '  - { id: cdn/same, kind: poc, title: Same id, sources: [week-2-plan.md] }\n';
    const root = await roadmapWith({ 'cdn.yaml': `${header('cdn')}items:\n${item}${item}` });
    await expect(loadRoadmap(root)).rejects.toThrow(/items\[1\]\.id \(cdn\/same\): duplicate id/);
  });

  it('reports YAML syntax errors with the file name', async () => {
    const root = await roadmapWith({ 'caching.yaml': 'category: [unclosed\n' });
    await expect(loadRoadmap(root)).rejects.toThrow(/roadmap\/caching\.yaml: not valid YAML/);
  });
});
