// The owner's and the visitor's journey through Folio in headless Chromium:
// sign up, create three projects, upload a screencast and watch it process,
// feature and order the projects, log out, then read the public page as a
// recruiter would; then track an application whose tailored share link a
// company opens. Screenshots go to $ARTIFACTS. Run by the Go test
// TestBrowserFlow (cmd/folio), which starts Folio and passes the settings.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';

const base = process.env.BASE_URL;
const video = process.env.VIDEO_FILE;
const artifacts = process.env.ARTIFACTS;
mkdirSync(artifacts, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
    '--autoplay-policy=no-user-gesture-required'],
});
const step = (name) => console.log(`step: ${name}`);
const violations = [];
const watch = (page) => page.on('console', (msg) => {
  if (/Content.Security.Policy/i.test(msg.text())) violations.push(msg.text());
});

try {
  const owner = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await owner.newPage();
  watch(page);

  step('register');
  await page.goto(`${base}/register`);
  await page.fill('#display_name', 'Ada Lovelace');
  await page.fill('#handle', 'ada');
  await page.fill('#email', 'ada@example.com');
  await page.fill('#password', 'correct horse battery');
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/dashboard`);

  step('create three projects');
  const projects = [
    { title: 'Orders API', demo: 'https://orders.example.com', repo: 'https://github.com/ada/orders' },
    { title: 'Feed Reader', demo: 'https://feeds.example.com', repo: 'https://github.com/ada/feeds' },
    { title: 'Chat Gateway', demo: 'https://chat.example.com', repo: 'https://github.com/ada/chat' },
  ];
  const ids = [];
  for (const p of projects) {
    await page.goto(`${base}/dashboard`);
    await page.fill('#new-title', p.title);
    await page.click('form[data-then-project] button[type=submit]');
    await page.waitForURL(/\/dashboard\/projects\/\d+$/);
    ids.push(page.url().split('/').pop());
    await page.selectOption('#f-vis', 'public');
    await page.fill('#f-tagline', `${p.title}, the tagline`);
    await page.fill('#f-demo', p.demo);
    await page.fill('#f-repo', p.repo);
    await page.fill('#f-tags', 'Go, PostgreSQL');
    await page.fill('#f-desc', '## How it works\n\nIt **works**.');
    await page.waitForFunction(() => document.querySelector('#preview').innerHTML.includes('<strong>works</strong>'));
    await page.click('form[data-form^="PATCH"] button[type=submit]');
    await page.waitForFunction(() => document.querySelector('form[data-form^="PATCH"] .status').textContent === 'Saved.');
  }

  step('upload a screencast and watch it reach ready');
  await page.goto(`${base}/dashboard/projects/${ids[0]}`);
  await page.setInputFiles('#up-cast', video);
  await page.waitForFunction(() => document.querySelector('[data-progress="screencast"]').value === 100, null, { timeout: 60000 });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-media-status]')].some(e => e.textContent.startsWith('ready')), null, { timeout: 120000 });
  step('upload an OpenAPI document and watch the docs become ready');
  await page.setInputFiles('#up-docs', process.env.SPEC_FILE);
  await page.waitForFunction(() => document.querySelector('[data-apidocs-status]').textContent.startsWith('ready'), null, { timeout: 60000 });
  await page.screenshot({ path: `${artifacts}/dashboard-project.png`, fullPage: true });

  step('a draft that must stay private');
  await page.goto(`${base}/dashboard`);
  await page.fill('#new-title', 'Secret Draft');
  await page.click('form[data-then-project] button[type=submit]');
  await page.waitForURL(/\/dashboard\/projects\/\d+$/);

  step('feature and order');
  await page.goto(`${base}/dashboard`);
  const order = [ids[1], ids[0], ids[2]]; // Feed Reader first
  for (const [i, id] of order.entries()) {
    await page.check(`input[name="featured"][value="${id}"]`);
    await page.fill(`input[name="order-${id}"]`, String(i + 1));
  }
  await page.click('[data-action="save-featured"]');
  await page.waitForFunction(() => document.querySelector('[data-status-for="save-featured"]').textContent.includes('saved'));
  await page.screenshot({ path: `${artifacts}/dashboard.png`, fullPage: true });

  step('log out');
  await page.click('[data-action="logout"]');
  await page.waitForURL(`${base}/`);
  await owner.close();

  step('visit as a recruiter');
  for (const [name, viewport, scheme] of [
    ['desktop-light', { width: 1280, height: 900 }, 'light'], ['desktop-dark', { width: 1280, height: 900 }, 'dark'],
    ['mobile-light', { width: 375, height: 800 }, 'light'], ['mobile-dark', { width: 375, height: 800 }, 'dark'],
  ]) {
    const ctx = await browser.newContext({ viewport, colorScheme: scheme });
    const visitor = await ctx.newPage();
    watch(visitor);
    await visitor.goto(`${base}/ada`);
    const slugs = await visitor.$$eval('[data-testid="featured"] > li', (els) => els.map(e => e.dataset.slug));
    assert.deepEqual(slugs, ['feed-reader', 'orders-api', 'chat-gateway'], 'featured order');
    assert.equal(await visitor.locator('text=Secret Draft').count(), 0, 'the draft is absent');
    const card = visitor.locator('li[data-slug="orders-api"]');
    // Outbound links go through Folio's counting redirect to the owner's URLs.
    for (const [text, target] of [['Live demo', 'https://orders.example.com'], ['Code', 'https://github.com/ada/orders']]) {
      const href = await card.locator(`a:has-text("${text}")`).getAttribute('href');
      assert.match(href, /^\/ada\/orders-api\/go\/(demo|code)$/, `${text} links through the counting redirect`);
      const out = await visitor.request.get(`${base}${href}`, { maxRedirects: 0 });
      assert.equal(out.status(), 302);
      assert.equal(out.headers()['location'], target);
    }
    // Until it is played, a screencast is its poster and a play link to
    // the file, and no video element is on the page.
    const poster = await card.locator('.screencast.facade img').getAttribute('src');
    assert.match(poster, /^\/media\/[0-9a-f]{32}\/poster_webp$/, 'the screencast has a poster');
    const posterRes = await visitor.request.get(`${base}${poster}`);
    assert.equal(posterRes.status(), 200);
    assert.equal(await visitor.locator('video').count(), 0, 'no video element before a play');
    assert.match(await card.locator('a.play').getAttribute('href'), /^\/media\/[0-9a-f]{32}\/video$/, 'the play link opens the file without script');
    if (name === 'desktop-light') {
      // The video plays in place and seeks (Range requests).
      await card.getByRole('link', { name: 'Play the screencast of Orders API' }).click();
      assert.equal(await card.locator('video').getAttribute('poster'), poster, 'the video keeps the poster');
      const played = await card.locator('video').evaluate(async (v) => {
        v.muted = true;
        await v.play();
        await new Promise((r) => v.addEventListener('timeupdate', r, { once: true }));
        v.pause();
        v.currentTime = 2;
        await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
        return { time: v.currentTime, duration: v.duration };
      });
      assert.ok(played.duration > 2.5 && played.time >= 1.9, `played and seeked: ${JSON.stringify(played)}`);
    }
    await visitor.screenshot({ path: `${artifacts}/portfolio-${name}.png`, fullPage: true });
    if (name === 'desktop-light') {
      // The project page shows the interactive API docs, once opened.
      await visitor.goto(`${base}/ada/orders-api`);
      await visitor.click('details[data-docs-project] summary');
      await visitor.waitForSelector('#swagger-ui .opblock', { timeout: 20000 });
      assert.ok(await visitor.locator('#swagger-ui .opblock').count() >= 2, 'operations are listed');
      await visitor.screenshot({ path: `${artifacts}/project-desktop-light.png`, fullPage: true });
    }
    await ctx.close();
  }

  // The visits above came from headless Chromium, which counts as a bot:
  // they add nothing. A recruiter with an ordinary browser does count.
  step('analytics: a recruiter plays a screencast past half and clicks a live demo');
  const desktopUA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const recruiter = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: desktopUA });
  // The demo lives on the internet; the test answers for it.
  await recruiter.route('https://orders.example.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>demo</title>' }));
  const rec = await recruiter.newPage();
  watch(rec);
  await rec.goto(`${base}/ada`);
  const recCard = rec.locator('li[data-slug="orders-api"]');
  await recCard.locator('a.play').click();
  const reached = await recCard.locator('video').evaluate(async (v) => {
    v.muted = true;
    await v.play();
    await new Promise((r) => setTimeout(r, 300));
    v.currentTime = v.duration * 0.6;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    await new Promise((r) => v.addEventListener('timeupdate', r, { once: true }));
    v.pause();
    return v.currentTime / v.duration;
  });
  assert.ok(reached > 0.5, `played past half: ${reached}`);
  await recCard.locator('a:has-text("Live demo")').click();
  await rec.waitForURL('https://orders.example.com/**');
  await recruiter.close();

  step('analytics: a Do Not Track visit counts without a visitor id; the owner\'s own visit not at all');
  const private_ = await browser.newContext({ userAgent: desktopUA, extraHTTPHeaders: { DNT: '1' } });
  await (await private_.newPage()).goto(`${base}/ada`);
  await private_.close();
  const back = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: desktopUA });
  const me = await back.newPage();
  watch(me);
  await me.goto(`${base}/login`);
  await me.fill('#email', 'ada@example.com');
  await me.fill('#password', 'correct horse battery');
  await me.click('button[type=submit]');
  await me.waitForURL(`${base}/dashboard`);
  await me.goto(`${base}/ada`);

  step('analytics: the owner sees one visitor, two views, a play past half and a demo click');
  let text = '';
  let cells = [];
  for (let i = 0; i < 40; i++) {
    await me.goto(`${base}/dashboard/analytics?days=7`);
    text = await me.locator('main').innerText();
    const row = me.locator('[data-testid="project-stats"] tr', { hasText: 'Orders API' });
    cells = (await row.count()) ? (await row.locator('td').allInnerTexts()).map((c) => c.trim()) : [];
    if (text.includes('2 views by 1 visitors') && cells[2] === '1' && cells[4] === '1') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(text.includes('2 views by 1 visitors'), `views and visitors on the analytics page:\n${text}`);
  // Project, views, plays, watch-through, demo clicks, code clicks, docs.
  assert.equal(cells[2], '1', `one play: ${cells}`);
  assert.match(cells[3], /^100% · 100% · /, `the play reached half: ${cells}`);
  assert.equal(cells[4], '1', `one demo click: ${cells}`);
  await me.screenshot({ path: `${artifacts}/analytics-desktop-light.png`, fullPage: true });

  step('applications: the owner tracks Acme and makes a share link featuring two projects in a chosen order');
  await me.goto(`${base}/dashboard/applications/new`);
  await me.fill('#company', 'Acme');
  await me.fill('#role', 'Backend engineer');
  await me.fill('#next_step', 'Follow up with the hiring manager');
  await me.click('[data-testid="application-form"] button[type=submit]');
  await me.waitForURL(/\/dashboard\/applications\/\d+$/);
  const applicationURL = me.url();
  await me.fill('#link-label', 'Hiring manager');
  await me.fill('#link-note', 'Hello Acme team — the Orders API is closest to your payments work.');
  await me.fill(`input[name="position_${ids[2]}"]`, '1'); // Chat Gateway first
  await me.fill(`input[name="position_${ids[0]}"]`, '2'); // then Orders API
  await me.click('[data-testid="share-form"] button[type=submit]');
  await me.waitForURL(/#share-links$/);
  const shareURL = await me.locator('[data-testid="share-url"]').first().inputValue();
  assert.match(shareURL, /\/s\/[A-Za-z0-9_-]{22,}$/, `a share link: ${shareURL}`);
  await me.screenshot({ path: `${artifacts}/application-desktop-light.png`, fullPage: true });

  step('applications: Acme opens the link, plays the Orders API screencast and clicks its demo');
  const acme = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: desktopUA });
  let demoReferer = 'not requested';
  await acme.route('https://orders.example.com/**', (route) => {
    demoReferer = route.request().headers()['referer'] ?? '';
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<title>demo</title>' });
  });
  const company = await acme.newPage();
  watch(company);
  await company.goto(shareURL);
  const shared = await company.locator('main').innerText();
  assert.ok(shared.includes('Hello Acme team'), `the note is on the page:\n${shared}`);
  const slugs = await company.locator('li[data-slug]').evaluateAll((els) => els.map((e) => e.dataset.slug));
  assert.deepEqual(slugs, ['chat-gateway', 'orders-api'], 'the chosen projects, in the chosen order, and no other');
  const sharedCard = company.locator('li[data-slug="orders-api"]');
  await sharedCard.locator('a.play').click();
  const watched = await sharedCard.locator('video').evaluate(async (v) => {
    v.muted = true;
    await v.play();
    await new Promise((r) => setTimeout(r, 300));
    v.currentTime = v.duration * 0.8;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    await new Promise((r) => v.addEventListener('timeupdate', r, { once: true }));
    v.pause();
    return v.currentTime / v.duration;
  });
  assert.ok(watched > 0.75, `played past three quarters: ${watched}`);
  await company.screenshot({ path: `${artifacts}/share-desktop-light.png`, fullPage: true });
  await sharedCard.locator('a:has-text("Live demo")').click();
  await company.waitForURL('https://orders.example.com/**');
  assert.equal(demoReferer, '', 'the demo is not told the share link');
  await acme.close();

  step('applications: the timeline shows the open, the play and the click');
  let timeline = '';
  for (let i = 0; i < 40; i++) {
    await me.goto(applicationURL);
    timeline = await me.locator('[data-testid="timeline"]').innerText();
    if (/opened 1×/.test(timeline) && /watched Orders API to 75%/.test(timeline) && /clicked the live demo of Orders API/.test(timeline)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.match(timeline, /Share link “Hiring manager”: opened 1× on \w+day/, `the open:\n${timeline}`);
  assert.match(timeline, /watched Orders API to 75%/, `the play:\n${timeline}`);
  assert.match(timeline, /clicked the live demo of Orders API/, `the click:\n${timeline}`);

  step('applications: a revoked link is a 404 and counts nothing more');
  await me.click('[data-testid="share-links"] button:has-text("Revoke")');
  await me.waitForURL(/#share-links$/);
  const late = await browser.newContext({ userAgent: desktopUA });
  const gone = await (await late.newPage()).goto(shareURL);
  assert.equal(gone.status(), 404, 'the revoked link answers 404');
  await late.close();
  await me.goto(applicationURL);
  assert.match(await me.locator('[data-testid="timeline"]').innerText(), /opened 1×/, 'the 404 visit is not counted');
  await back.close();

  assert.deepEqual(violations, [], 'no Content-Security-Policy violations');
  console.log('browser flow passed');
} finally {
  await browser.close();
}
