/**
 * The built site in headless Chromium: navigation, search, charts, Mermaid, both themes and phone
 * width. Screenshots of every page type go to artifacts/screenshots/ (gitignored).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { drawDiagrams, horizontalOverflow, launchChromium, openPage, screenshot } from './browser.ts';

const base = inject('siteUrl');
const set = inject('pages');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

function url(p: string): string {
  return new URL(p, base).href;
}

describe('site in a browser', () => {
  it('goes home → category → POC, and the POC page shows its code and a results chart', async () => {
    const { page, context, external, errors } = await openPage(browser, url(set.home));
    try {
      await expect(page.title()).resolves.toContain('System Design Lab');
      expect(await page.locator('main .sdl-cards a.sdl-card-title').count()).toBe(10);
      await screenshot(page, 'home-light');

      await page.locator(`main a.sdl-card-title[href="${set.category}"]`).click();
      await page.waitForURL(`**${set.category}`);
      await expect(page.locator('main h2#pocs').isVisible()).resolves.toBe(true);
      await screenshot(page, 'category');

      await page.locator(`main a.sdl-card-title[href="${set.poc}"]`).click();
      await page.waitForURL(`**${set.poc}`);
      await expect(page.locator('h1').textContent()).resolves.toBe(set.pocTitle);
      // Code, highlighted, read from the POC's files: blocks titled with a file name, or `file — region`.
      const titles = await page.locator('.expressive-code figcaption .title').allTextContents();
      expect(
        titles.some((t) => set.pocSourceFiles.some((f) => t === f || t.startsWith(`${f} — `))),
        titles.join(', '),
      ).toBe(true);
      // The latest results: a chart (inline SVG, accessible) beside its table, and the machine.
      const chart = page.locator('.sdl-results svg.sdl-chart[role="img"]').first();
      await expect(chart.isVisible()).resolves.toBe(true);
      expect(await chart.locator(':scope > title').textContent()).toBeTruthy();
      // Something is drawn: bars, or a line with its markers (an axis-only chart would pass the above).
      expect(await chart.locator('.sdl-bar, .sdl-line').count()).toBeGreaterThan(0);
      expect(await page.locator('.sdl-results table.sdl-table').count()).toBeGreaterThan(0);
      await expect(page.locator('.sdl-machine').textContent()).resolves.toMatch(
        /CPU.*Cores.*Node\.js.*Commit/s,
      );
      await expect(page.locator('main').textContent()).resolves.toContain(`npm run sdlab -- run`);
      await screenshot(page, 'poc-light');
      expect(external).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('finds a POC by its title with the offline search', async () => {
    const { page, context, external } = await openPage(browser, url(set.home));
    try {
      await page.locator('site-search button[data-open-modal]').first().click();
      const input = page.locator('#starlight__search input.pagefind-ui__search-input');
      await input.waitFor({ state: 'visible' });
      await input.fill(set.pocTitle);
      const hit = page.locator(`#starlight__search a[href*="${set.poc}"]`).first();
      await hit.waitFor({ state: 'visible', timeout: 20_000 });
      await screenshot(page, 'search', false);
      expect(external).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('renders the progress chart', async () => {
    const { page, context, errors } = await openPage(browser, url(set.progress));
    try {
      const chart = page.locator('svg.sdl-chart[role="img"]').first();
      await expect(chart.isVisible()).resolves.toBe(true);
      expect(await chart.locator('rect.sdl-track').count()).toBeGreaterThanOrEqual(10);
      await expect(chart.locator('desc').textContent()).resolves.toContain('Databases');
      await screenshot(page, 'progress-dark-check');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('draws Mermaid diagrams on articles and problems, in both themes', async () => {
    const targets = [set.article, set.problem].filter((p): p is string => p !== null);
    for (const target of targets) {
      for (const theme of ['light', 'dark'] as const) {
        const { page, context, external, errors } = await openPage(browser, url(target), { theme });
        try {
          await expect(page.evaluate<string>('document.documentElement.dataset.theme')).resolves.toBe(theme);
          expect(await drawDiagrams(page)).toBeGreaterThan(0);
          await page.evaluate('window.scrollTo(0, 0)');
          const name = target.startsWith('/articles/') ? 'article' : 'problem';
          await screenshot(page, `${name}-${theme}`);
          expect(external).toEqual([]);
          expect(errors).toEqual([]);
        } finally {
          await context.close();
        }
      }
    }
  });

  it('themes every page type dark and light', async () => {
    for (const [name, target] of [
      ['home', set.home],
      ['poc', set.poc],
      ['progress', set.progress],
    ] as const) {
      const { page, context } = await openPage(browser, url(target), { theme: 'dark' });
      try {
        await expect(page.evaluate<string>('document.documentElement.dataset.theme')).resolves.toBe('dark');
        await screenshot(page, `${name}-dark`);
      } finally {
        await context.close();
      }
    }
  });

  it('has no horizontal overflow at phone width (375px)', async () => {
    const targets: [string, string | null][] = [
      ['home', set.home],
      ['category', set.category],
      ['poc', set.poc],
      ['article', set.article],
      ['problem', set.problem],
      ['progress', set.progress],
    ];
    const overflowing: string[] = [];
    for (const [name, target] of targets) {
      if (!target) continue;
      const { page, context } = await openPage(browser, url(target), { width: 375, height: 812 });
      try {
        const overflow = await horizontalOverflow(page);
        if (overflow > 0) overflowing.push(`${target}: ${overflow}px wider than the screen`);
        await screenshot(page, `phone-${name}`);
      } finally {
        await context.close();
      }
    }
    expect(overflowing, overflowing.join('\n')).toEqual([]);
    // The three the issue names must exist at all.
    expect(set.article).not.toBeNull();
  });
});
