// A visitor's view of the seeded demo's public pages in headless Chromium,
// on a phone and a desktop: the portfolio and a project page log no console
// error and no failed request (the favicon among them); the project page
// loads no Swagger UI until the visitor opens its API docs, which then list
// and expand operations, count one docs_open in the analytics beacon, and
// open by themselves on a deep link to an operation. Run by the Go test
// TestBrowserPublicPages (cmd/folio), which starts Folio, seeds the demo
// and passes the settings.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';

const base = process.env.BASE_URL;
const artifacts = process.env.ARTIFACTS;
mkdirSync(artifacts, { recursive: true });
const step = (name) => console.log(`step: ${name}`);
// An ordinary browser's User-Agent: headless Chromium's counts as a bot,
// and bots get no analytics beacon.
const desktopUA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const mobileUA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

step('wait for the seeded demo: its API docs ready and its screencasts processed');
for (let deadline = Date.now() + 180000; ; await new Promise((r) => setTimeout(r, 1000))) {
  const res = await fetch(`${base}/demo/orders-api`);
  const html = res.ok ? await res.text() : '';
  if (html.includes('data-docs-project') && html.includes('poster=')) break;
  assert.ok(Date.now() < deadline, `the demo's orders-api page has no API docs or screencast after 3 minutes (${res.status})`);
}
const icon = await fetch(`${base}/favicon.ico`);
assert.equal(icon.status, 200, 'the favicon is served');
assert.equal(icon.headers.get('content-type'), 'image/x-icon');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});

// watch records what a visitor would see go wrong in the developer tools:
// console errors, uncaught exceptions, answers of 400 and over, failed
// requests; and every request made, and the beacons sent.
function watch(page) {
  const w = { problems: [], requests: [], beacons: [] };
  page.on('console', (msg) => { if (msg.type() === 'error') w.problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => w.problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => w.problems.push(`failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => { if (res.status() >= 400) w.problems.push(`${res.status()}: ${res.url()}`); });
  page.on('request', (req) => {
    w.requests.push(req.url());
    if (req.url() === `${base}/beacon`) w.beacons.push(JSON.parse(req.postData()));
  });
  return w;
}
const swaggerRequests = (w) => w.requests.filter((u) => /swagger-ui|apidocs-init/.test(u));

try {
  for (const [name, viewport, userAgent] of [
    ['mobile', { width: 375, height: 800 }, mobileUA], ['desktop', { width: 1280, height: 900 }, desktopUA],
  ]) {
    const ctx = await browser.newContext({ viewport, userAgent });
    const page = await ctx.newPage();
    const w = watch(page);

    step(`${name}: the portfolio and the project page load cleanly`);
    await page.goto(`${base}/demo`, { waitUntil: 'networkidle' });
    await page.goto(`${base}/demo/orders-api`, { waitUntil: 'networkidle' });
    assert.deepEqual(swaggerRequests(w), [], 'the project page loads no Swagger UI before the docs are opened');
    assert.equal(await page.locator('#swagger-ui .opblock').count(), 0);
    const summary = page.locator('details[data-docs-project] summary');
    assert.equal(await summary.innerText(), 'Interactive API docs');
    const box = await summary.boundingBox();
    assert.ok(box.height >= 24 && box.width >= 24, `the docs' button is a comfortable tap target: ${JSON.stringify(box)}`);

    step(`${name}: open the API docs`);
    await summary.click();
    await page.waitForSelector('#swagger-ui .opblock', { timeout: 30000 });
    assert.ok(await page.locator('#swagger-ui .opblock').count() >= 2, 'operations are listed');
    const first = page.locator('#swagger-ui .opblock').first();
    await first.locator('.opblock-summary-control').click();
    await page.waitForSelector('#swagger-ui .opblock.is-open .opblock-body', { timeout: 10000 });
    await page.screenshot({ path: `${artifacts}/project-docs-open-${name}.png`, fullPage: true });
    for (let deadline = Date.now() + 5000; !w.beacons.some((b) => b.kind === 'docs_open'); await new Promise((r) => setTimeout(r, 100))) {
      assert.ok(Date.now() < deadline, `no docs_open beacon: ${JSON.stringify(w.beacons)}`);
    }
    assert.deepEqual(w.beacons.filter((b) => b.kind === 'docs_open'), [{ page: 'demo/orders-api', kind: 'docs_open', project: 'orders-api', progress: 0 }]);

    step(`${name}: closing and opening again loads nothing more and counts no second opening`);
    const loaded = swaggerRequests(w).length;
    await summary.click();
    assert.equal(await page.locator('#swagger-ui').isVisible(), false, 'closed, the docs are hidden');
    await summary.click();
    await page.waitForSelector('#swagger-ui .opblock', { state: 'visible' });
    await page.waitForTimeout(300); // a second beacon would be sent at once
    assert.equal(swaggerRequests(w).length, loaded, 'Swagger UI is loaded once');
    assert.equal(w.beacons.filter((b) => b.kind === 'docs_open').length, 1, 'one opening counted');

    step(`${name}: a deep link to an operation opens the docs at it`);
    const id = await first.getAttribute('id'); // operations-{tag}-{operationId}
    const [, tag, op] = id.match(/^operations-([^-]+)-(.+)$/);
    await page.goto('about:blank'); // a new load, not a jump within the page
    await page.goto(`${base}/demo/orders-api#/${tag}/${op}`, { waitUntil: 'networkidle' });
    await page.waitForSelector(`#${id}.is-open`, { timeout: 30000 });
    assert.equal(await page.locator('details[data-docs-project]').evaluate((d) => d.open), true);

    assert.deepEqual(w.problems, [], `the pages logged problems:\n${w.problems.join('\n')}`);
    await ctx.close();
  }
  console.log('public pages passed');
} finally {
  await browser.close();
}
