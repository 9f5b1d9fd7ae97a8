// Themes in headless Chromium, on a new owner's portfolio: the owner
// switches theme, colour mode, accent and font in the dashboard and sees
// them on the public page; previews an unsaved theme; sets custom CSS that
// tries to load from another host and the network log shows nothing left
// this host; then axe-core finds no WCAG 2 A/AA violation on the portfolio
// and a project page in every theme, light and dark. Run by the Go test
// TestBrowserThemes (cmd/folio), which starts `folio dev`.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';

const base = process.env.BASE_URL;
const artifacts = process.env.ARTIFACTS;
mkdirSync(artifacts, { recursive: true });
const host = new URL(base).host;
const step = (name) => console.log(`step: ${name}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});

// save fills the appearance form and saves it.
async function save(page, { theme, mode = 'auto', accent = '', font = '', css = '' }) {
  await page.goto(`${base}/dashboard/appearance`);
  await page.check(`input[name=theme][value=${theme}]`);
  await page.selectOption('#color_mode', mode);
  await page.fill('#accent', accent);
  await page.selectOption('#font', font);
  await page.fill('#custom_css', css);
  await page.click('button[type=submit]:not([formaction])');
  await page.waitForSelector('[data-testid=appearance-notice]');
}

// look reads the theme as the browser applies it.
async function look(page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const cs = getComputedStyle(root);
    const link = document.querySelector('main .actions a:not(.button)');
    return {
      className: root.className,
      accent: cs.getPropertyValue('--accent').trim(),
      font: getComputedStyle(document.body).fontFamily,
      linkColor: link && getComputedStyle(link).color,
      fontsLoaded: [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family),
    };
  });
}

try {
  const owner = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await owner.newPage();
  step('register and publish a project');
  await page.goto(`${base}/register`);
  await page.fill('#display_name', 'Theo Themes');
  await page.fill('#handle', 'theo');
  await page.fill('#email', 'theo@example.com');
  await page.fill('#password', 'correct horse battery');
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/dashboard`);
  await page.fill('#new-title', 'Orders API');
  await page.click('form[data-then-project] button[type=submit]');
  await page.waitForURL(/\/dashboard\/projects\/\d+$/);
  await page.selectOption('#f-vis', 'public');
  await page.fill('#f-tagline', 'Orders, taken and kept');
  await page.fill('#f-demo', 'https://orders.example.com');
  await page.fill('#f-repo', 'https://github.com/theo/orders');
  await page.fill('#f-tags', 'Go, PostgreSQL');
  await page.fill('#f-desc', '## How it works\n\nIt **works**.');
  await page.click('form[data-form^="PATCH"] button[type=submit]');
  await page.waitForFunction(() => document.querySelector('form[data-form^="PATCH"] .status').textContent === 'Saved.');
  await page.goto(`${base}/dashboard`);
  await page.click('a[href="/dashboard/appearance"]');
  await page.waitForURL(`${base}/dashboard/appearance`);

  step('switch theme, mode, accent and font; the public page follows');
  await save(page, { theme: 'editorial', mode: 'dark', accent: '#ff8800', font: 'jetbrains-mono' });
  const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const pub = await visitor.newPage();
  await pub.goto(`${base}/theo`);
  await pub.evaluate(() => document.fonts.ready);
  let got = await look(pub);
  assert.match(got.className, /theme-editorial mode-dark/);
  assert.equal(got.accent, '#ff8800', 'orange has contrast on the dark editorial palette: kept');
  assert.equal(got.linkColor, 'rgb(255, 136, 0)');
  assert.match(got.font, /JetBrains Mono/);
  assert.ok(got.fontsLoaded.includes('JetBrains Mono'), `fonts loaded: ${got.fontsLoaded}`);
  await pub.screenshot({ path: `${artifacts}/themes-editorial-dark.png`, fullPage: true });

  step('a light mode gets a darker shade of the same accent');
  await save(page, { theme: 'studio', mode: 'light', accent: '#ffff00', font: 'source-serif-4' });
  assert.equal(await page.locator('[data-testid=accent-adjusted]').count(), 1);
  await pub.goto(`${base}/theo`);
  got = await look(pub);
  assert.match(got.className, /theme-studio mode-light/);
  assert.notEqual(got.accent, '#ffff00');
  assert.match(got.font, /Source Serif 4/);

  step('preview an unsaved theme');
  await page.check('input[name=theme][value=spotlight]');
  await page.selectOption('#color_mode', 'dark');
  const [preview] = await Promise.all([owner.waitForEvent('page'), page.click('[data-testid=preview]')]);
  await preview.waitForLoadState();
  await preview.waitForSelector('[data-testid=preview-banner]');
  assert.match((await look(preview)).className, /theme-spotlight mode-dark/);
  await preview.screenshot({ path: `${artifacts}/themes-spotlight-preview.png`, fullPage: true });
  await preview.close();
  await pub.goto(`${base}/theo`);
  assert.match((await look(pub)).className, /theme-studio mode-light/, 'the preview saved nothing');

  step('custom CSS that reaches for another host loads nothing from it');
  const evil = [
    '@import url(https://evil.example/x.css);',
    '@import "//evil.example/y.css";',
    'body { background: url(https://evil.example/p.png); }',
    'main { background-image: u\\72l(https://evil.example/q.png); }',
    '@font-face { font-family: Evil; src: url(https://evil.example/f.woff2); }',
    'h1 { font-family: Evil; outline: 3px dashed rgb(1, 2, 3); }',
  ].join('\n');
  await save(page, { theme: 'spotlight', mode: 'light', css: evil });
  assert.ok(await page.locator('[data-testid=css-dropped]').count() === 1, 'the page says what was removed');
  const requests = [];
  const watcher = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  watcher.on('request', (r) => requests.push(r.url()));
  const w = await watcher.newPage();
  const cspViolations = [];
  w.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
  for (const path of ['/theo', '/theo/orders-api']) {
    await w.goto(`${base}${path}`);
    await w.waitForLoadState('networkidle');
  }
  await w.goto(`${base}/theo`);
  await w.waitForLoadState('networkidle');
  const outline = await w.evaluate(() => getComputedStyle(document.querySelector('h1')).outlineColor);
  assert.equal(outline, 'rgb(1, 2, 3)', 'the custom CSS applies');
  const foreign = requests.filter((u) => !u.startsWith('data:') && new URL(u).host !== host);
  assert.deepEqual(foreign, [], 'every request stays on this host');
  assert.ok(requests.some((u) => /\/theo\/style\.css\?v=\d+/.test(u)), 'the portfolio stylesheet was loaded');
  assert.deepEqual(cspViolations, [], 'nothing even tried (the sanitizer removed it before the CSP had to)');
  console.log(`requests: ${requests.length}, all to ${host}`);

  step('axe-core: no WCAG 2 A/AA violation in any theme, light or dark');
  const axePage = await visitor.newPage();
  for (const theme of ['studio', 'editorial', 'spotlight']) {
    for (const mode of ['light', 'dark']) {
      await save(page, { theme, mode });
      for (const path of ['/theo', '/theo/orders-api']) {
        await axePage.goto(`${base}${path}`);
        await axePage.waitForLoadState('networkidle');
        assert.match((await look(axePage)).className, new RegExp(`theme-${theme} mode-${mode}`));
        // The interactive API docs are Swagger UI's own markup, audited
        // (and fixed) with the docs viewer.
        const res = await new AxeBuilder({ page: axePage }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
          .exclude('#swagger-ui').analyze();
        const found = res.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        console.log(`axe ${theme} ${mode} ${path}: ${res.violations.length} violations, ${res.passes.length} rules passed`);
        if (found.length) await axePage.screenshot({ path: `${artifacts}/axe-${theme}-${mode}${path.replaceAll('/', '-')}.png`, fullPage: true });
        assert.deepEqual(found, [], `${theme} ${mode} ${path}`);
      }
    }
  }
  await save(page, { theme: 'studio' });
  console.log('themes: ok');
} finally {
  await browser.close();
}
