// Runs Lighthouse (mobile: its default form factor, screen and simulated
// throttling) on each URL given, RUNS times, in one headless Chromium, and
// prints one JSON line per URL: the scores of the run with the median
// performance score (Lighthouse's own advice for a noisy machine), and the
// audits below a full score, so that a failing figure says why. A page
// with interactive API docs is audited once more with the docs opened (a
// Lighthouse snapshot: accessibility, best practices and SEO of what the
// visitor then sees). Full reports go to $REPORTS when it is set. Run by
// bench/audit/audit.sh.
import lighthouse, { startFlow } from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import puppeteer from 'puppeteer-core';
import { mkdirSync, writeFileSync } from 'node:fs';

const urls = process.argv.slice(2);
const runs = Number(process.env.RUNS || 3);
const reports = process.env.REPORTS || '';
const label = process.env.LABEL || 'default';
if (reports) mkdirSync(reports, { recursive: true });

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
try {
  // A fresh Chromium's first page load pays for its own start-up (disk
  // caches, font and code caches), which simulated throttling then
  // multiplies: one run is made and discarded before any is counted.
  if (urls.length) await lighthouse(urls[0], { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
  for (const url of urls) {
    const results = [];
    for (let i = 0, failures = 0; i < runs;) {
      const { lhr } = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: categories });
      if (lhr.runtimeError) {
        // A machine under heavy load can make Chromium miss a protocol
        // deadline: that run measures nothing, so it is run again.
        if (++failures > 3) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
        console.error(`audit: ${url}: ${lhr.runtimeError.code}; running again`);
        continue;
      }
      results.push(lhr);
      i++;
    }
    results.sort((a, b) => a.categories.performance.score - b.categories.performance.score);
    const lhr = results[Math.floor(results.length / 2)];
    if (reports) {
      const name = `${label}${new URL(url).pathname.replaceAll('/', '_')}.json`;
      writeFileSync(`${reports}/${name}`, JSON.stringify(lhr));
    }
    console.log(JSON.stringify({ url, label, ...summary(lhr), runs: results.map((r) => Math.round(r.categories.performance.score * 100)),
      benchmark: Math.round(lhr.environment.benchmarkIndex) }));
    if (await hasDocs(url)) {
      const opened = await docsOpened(url);
      if (reports) writeFileSync(`${reports}/${label}${new URL(url).pathname.replaceAll('/', '_')}_docs-open.json`, JSON.stringify(opened));
      console.log(JSON.stringify({ url, label, docsOpen: true, ...summary(opened), runs: [] }));
    }
  }
} finally {
  await chrome.kill();
}

// summary is a report's scores (0-100) and the weighted audits that are
// below a full score.
function summary(lhr) {
  const present = categories.filter((c) => lhr.categories[c]);
  const scores = Object.fromEntries(present.map((c) => [c, Math.round(lhr.categories[c].score * 100)]));
  const weighted = new Set(present.flatMap((c) => lhr.categories[c].auditRefs.filter((r) => r.weight > 0).map((r) => r.id)));
  const failing = Object.values(lhr.audits)
    .filter((a) => weighted.has(a.id) && a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative')
    .map((a) => `${a.id} (${a.displayValue || a.score})`);
  return { scores, failing };
}

async function hasDocs(url) {
  const html = await (await fetch(url)).text();
  return html.includes('data-docs-project');
}

// docsOpened loads url as Lighthouse's mobile navigation does, opens the
// interactive API docs as a visitor would, waits for the operations and
// takes a snapshot report of the page as it then is.
async function docsOpened(url) {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}`, defaultViewport: null });
  const page = await browser.newPage();
  try {
    // A snapshot's performance is a few audits of the frozen page, no score
    // to compare with a navigation's: left out.
    const flow = await startFlow(page, { flags: { logLevel: 'error', onlyCategories: categories.filter((c) => c !== 'performance') } });
    await flow.navigate(url);
    await page.click('details[data-docs-project] summary');
    await page.waitForSelector('#swagger-ui .opblock', { timeout: 60000 });
    // One operation expanded too: its parameters, responses and buttons.
    await page.click('#swagger-ui .opblock .opblock-summary-control');
    await page.waitForSelector('#swagger-ui .opblock.is-open .opblock-body', { timeout: 30000 });
    await flow.snapshot();
    const { steps } = await flow.createFlowResult();
    return steps[1].lhr;
  } finally {
    await page.close();
    browser.disconnect();
  }
}
