import { chromium } from 'playwright-core';
const base = process.argv[2] ?? 'http://127.0.0.1:4400';
const pages = process.argv.slice(3);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
for (const spec of pages) {
  const [p, w, theme, full] = spec.split(',');
  const ctx = await browser.newContext({ viewport: { width: Number(w ?? 1280), height: 900 }, colorScheme: (theme ?? 'dark') as 'dark' });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log('console error', p, m.text()); });
  await page.goto(base + p, { waitUntil: 'networkidle' });
  await page.waitForTimeout(500);
  const name = `/tmp/shots/${p.replaceAll('/', '_') || 'home'}-${w}-${theme}.png`;
  await page.screenshot({ path: name, fullPage: full === 'full' });
  const ov = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  console.log(name, ov);
  await ctx.close();
}
await browser.close();
