/** Frontmatter of articles and problems, charts and the generate step's model, without a browser. */
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/paths.ts';
import { chartFromTable, niceScale, renderChart, wrapLabel } from '../../src/site/charts.ts';
import { loadContentDocs } from '../../src/site/content.ts';
import { ContentMetaSchema } from '../../src/site/contentSchema.ts';
import { decodeHtml, escapeHtml, formatNumber } from '../../src/site/html.ts';
import { linkFor, loadSiteModel } from '../../src/site/model.ts';

const valid = {
  title: 'Connection pools',
  description: 'Why a pool is a queue, and how to size it from measurements.',
  category: 'databases',
  roadmap: ['databases/connection-pool-management'],
  related: [71],
  sources: [
    {
      title: 'PostgreSQL docs',
      url: 'https://www.postgresql.org/docs/current/runtime-config-connection.html',
    },
  ],
};

describe('content frontmatter', () => {
  it('accepts a complete page', () => {
    expect(ContentMetaSchema.safeParse(valid).success).toBe(true);
  });

  it('requires at least one public http(s) source', () => {
    expect(ContentMetaSchema.safeParse({ ...valid, sources: [] }).success).toBe(false);
    expect(
      ContentMetaSchema.safeParse({ ...valid, sources: [{ title: 'Local', url: 'file:///etc/x' }] }).success,
    ).toBe(false);
  });

  it('rejects unknown categories and fields', () => {
    expect(ContentMetaSchema.safeParse({ ...valid, category: 'kafka' }).success).toBe(false);
    expect(ContentMetaSchema.safeParse({ ...valid, author: 'me' }).success).toBe(false);
  });

  it('validates every article and problem in content/', async () => {
    const docs = [
      ...(await loadContentDocs(REPO_ROOT, 'article')),
      ...(await loadContentDocs(REPO_ROOT, 'problem')),
    ];
    for (const doc of docs) expect(doc.meta.sources.length).toBeGreaterThan(0);
  });
});

describe('charts', () => {
  it('picks round axis steps', () => {
    expect(niceScale(0, 914)).toEqual({ min: 0, max: 1000, step: 200 });
    expect(niceScale(0, 7.8)).toEqual({ min: 0, max: 8, step: 2 });
  });

  it('formats numbers without locale', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(1234)).toBe('1234');
    expect(formatNumber(3.14557)).toBe('3.15');
    expect(formatNumber(0.01234)).toBe('0.0123');
  });

  it('wraps long labels', () => {
    expect(wrapLabel('Bulkhead: api pool (2) + reports pool (1)', 16)).toEqual([
      'Bulkhead: api',
      'pool (2) +',
      'reports pool (1)',
    ]);
  });

  it('draws an accessible SVG with a title, a description and one mark per value', () => {
    const svg = renderChart({
      id: 'c1',
      type: 'bar',
      title: 'Requests',
      xLabel: 'Set-up',
      yLabel: 'Requests',
      categories: ['a', 'b'],
      xValues: null,
      series: [{ label: 'Requests', values: [3, 5] }],
    });
    expect(svg).toMatch(/^<svg class="sdl-chart"[^>]* role="img" aria-labelledby="c1-title c1-desc"/);
    expect(svg).toContain('<title id="c1-title">Requests</title>');
    expect(svg).toContain('a: 3; b: 5');
    expect(svg.match(/class="sdl-s0 sdl-bar"/g)).toHaveLength(2);
  });

  it('reports a chart column the table does not have', () => {
    const table = {
      id: 't',
      title: 'T',
      columns: [{ key: 'x', label: 'X' }],
      rows: [{ x: 1 }],
      chart: { type: 'bar' as const, x: 'x', y: ['missing'] },
    };
    expect(() => chartFromTable(table, 'c')).toThrow(/chart column "missing"/);
  });
});

describe('html', () => {
  it('decodes exactly what it escapes', () => {
    const text = `a < b && c > "d" 'e' &lt; &amp;amp;`;
    expect(escapeHtml(text)).toBe(
      'a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39; &amp;lt; &amp;amp;amp;',
    );
    expect(decodeHtml(escapeHtml(text))).toBe(text);
  });
});

describe('site model', () => {
  it('maps repository paths to pages', async () => {
    const model = await loadSiteModel(REPO_ROOT);
    const poc = model.pocs[0];
    if (!poc) throw new Error('the site tests need at least one POC in pocs/');
    expect(linkFor(model, poc.relDir)).toBe(`/pocs/${poc.meta.slug}/`);
    expect(linkFor(model, `${poc.relDir}/README.md`)).toBe(`/pocs/${poc.meta.slug}/`);
    expect(linkFor(model, `${poc.relDir}/demo.ts`)).toBe(`/pocs/${poc.meta.slug}/#source-code`);
    expect(linkFor(model, 'roadmap/databases.yaml')).toBe('/progress/');
    expect(linkFor(model, 'src/paths.ts')).toBeNull();
  });
});
