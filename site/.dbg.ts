import { launchChromium, openPage } from './tests/browser.ts';

const b = await launchChromium();
const { page, errors, external } = await openPage(b, 'http://127.0.0.1:4400/');
await page.locator('site-search button[data-open-modal]').first().click();
await page.waitForTimeout(3000);
console.log(
  await page
    .locator('#starlight__search')
    .innerHTML()
    .then((h) => h.slice(0, 1500)),
);
console.log(errors, external);
await b.close();
