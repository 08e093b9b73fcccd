/**
 * `npm run bench:site`: how long the website takes to build, and what one POC page costs a reader.
 *
 * Prints the build time (generate step + astro build + Pagefind index), the pages built, the time
 * per page, and the HTML + JS + CSS bytes a POC page transfers when Chromium loads it (response
 * bodies as served, uncompressed; the search index under /pagefind/ is left out: it loads only when
 * someone searches).
 *
 *   npm run bench:site [-- <poc-slug>]
 */

import { launchChromium } from '../site/tests/browser.ts';
import { loadCatalog } from '../src/catalog/load.ts';
import { REPO_ROOT } from '../src/paths.ts';
import { buildSite } from '../src/site/build.ts';
import { serveBuiltSite } from '../src/site/serve.ts';

const requested = process.argv[2];
const { pocs } = await loadCatalog(REPO_ROOT);
const poc = requested ? pocs.find((p) => p.meta.slug === requested) : pocs[0];
if (!poc) {
  process.stderr.write(requested ? `no POC with the slug "${requested}"\n` : 'no POC in pocs/ to load\n');
  process.exit(1);
}

const sink = { write: () => true } as unknown as NodeJS.WritableStream;
const build = await buildSite({ output: process.env.SDLAB_BENCH_VERBOSE ? process.stderr : sink });
const site = await serveBuiltSite({ port: 0 });
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const bytes = { html: 0, js: 0, css: 0 };
  const counts = { html: 0, js: 0, css: 0 };
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/pagefind/')) return;
    const type = (response.headers()['content-type'] ?? '').split(';')[0];
    const kind =
      type === 'text/html' ? 'html' : type === 'text/javascript' ? 'js' : type === 'text/css' ? 'css' : null;
    if (!kind) return;
    pending.push(
      response.body().then((body) => {
        bytes[kind] += body.length;
        counts[kind]++;
      }),
    );
  });
  const url = new URL(`/pocs/${poc.meta.slug}/`, site.url).href;
  await page.goto(url, { waitUntil: 'networkidle' });
  await Promise.all(pending);
  const onLoad = { ...bytes };
  const onLoadCounts = { ...counts };
  // Then read the whole page: lazily loaded parts (Mermaid, when the page has a diagram) come in.
  const height = await page.evaluate<number>('document.documentElement.scrollHeight');
  for (let y = 0; y < height; y += 600) {
    await page.evaluate(`window.scrollTo(0, ${y})`);
    await page.waitForTimeout(50);
  }
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  await Promise.all(pending);
  await context.close();

  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const sum = (b: typeof bytes) => b.html + b.js + b.css;
  const lines = [
    'System Design Lab website benchmark',
    `  build time (generate + astro build + search index): ${(build.durationMs / 1000).toFixed(1)} s`,
    `  pages built: ${build.pages}`,
    `  time per page: ${(build.durationMs / build.pages).toFixed(0)} ms`,
    `  POC page /pocs/${poc.meta.slug}/ transfers (response bodies, uncompressed; /pagefind/ excluded):`,
    `    on load:             HTML ${kib(onLoad.html)} (${onLoadCounts.html}) + JS ${kib(onLoad.js)} (${onLoadCounts.js}) + CSS ${kib(onLoad.css)} (${onLoadCounts.css}) = ${kib(sum(onLoad))}`,
    `    after reading it all: HTML ${kib(bytes.html)} (${counts.html}) + JS ${kib(bytes.js)} (${counts.js}) + CSS ${kib(bytes.css)} (${counts.css}) = ${kib(sum(bytes))}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await browser.close();
  await site.close();
}
