// Single sign-on in headless Chromium, through a real OpenID provider's
// own login page: the log in page shows the provider's button; the
// sign-in state cookie lives on /auth/sso/ only; a new person lands on a
// new account's dashboard and sees the identity under Connected accounts;
// public pages set no cookie; an address the provider has not verified
// is refused with a message. Run by the Go test TestBrowserSSOFlow
// (cmd/folio), which starts the provider and `folio dev` configured for it.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';

const base = process.env.BASE_URL;
const artifacts = process.env.ARTIFACTS;
mkdirSync(artifacts, { recursive: true });

const step = (name) => console.log(`step: ${name}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});

// signIn opens the log in page, follows the provider's button and signs
// in on the provider's page.
async function signIn(page, username, password) {
  await page.goto(`${base}/login`);
  const button = page.getByRole('link', { name: 'Sign in with Test SSO' });
  assert.ok(await button.isVisible(), 'the login page shows the provider');
  await button.click();
  await page.waitForURL((u) => u.pathname === '/login/username');
  assert.equal(await page.locator('h1').textContent(), 'Test provider');
  const state = (await page.context().cookies(`${base}/auth/sso/oidc/callback`)).find((c) => c.name === 'folio_sso_state');
  assert.ok(state, 'a state cookie binds the sign-in to this browser');
  assert.equal(state.path, '/auth/sso/', 'the state cookie goes to the sign-in path only');
  assert.ok(state.httpOnly, 'the state cookie is HttpOnly');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
}

try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();

  step('sign in through the provider: a new account, on its dashboard');
  await signIn(page, 'grace.browser', 'grace-password');
  await page.waitForURL(`${base}/dashboard`);
  assert.equal(await page.locator('h1').first().textContent(), 'Your portfolio');
  assert.ok(await page.getByRole('link', { name: 'View your public page' }).getAttribute('href') === '/grace-browser',
    'the handle comes from preferred_username');
  await page.screenshot({ path: `${artifacts}/sso-dashboard.png`, fullPage: true });

  step('the identity is listed under connected accounts');
  await page.getByRole('link', { name: 'Connected accounts' }).click();
  await page.waitForURL(`${base}/dashboard/connected-accounts`);
  const row = page.getByTestId('identity-oidc');
  assert.ok((await row.textContent()).includes('grace.browser@school.test'));
  await page.screenshot({ path: `${artifacts}/sso-connected.png`, fullPage: true });

  step('public pages set no cookie');
  const visitor = await browser.newContext();
  const vpage = await visitor.newPage();
  const resp = await vpage.goto(`${base}/login`);
  assert.equal(resp.headers()['set-cookie'], undefined, 'the login page sets no cookie');
  assert.equal((await visitor.cookies()).length, 0);

  step('an address the provider has not verified is refused');
  await signIn(vpage, 'ghost', 'ghost-password');
  await vpage.waitForURL((u) => u.pathname === '/auth/sso/oidc/callback');
  const msg = await vpage.getByTestId('sso-error-message').textContent();
  assert.ok(msg.includes('has not verified your email'), msg);
  assert.ok(!(await visitor.cookies()).some((c) => c.name === 'folio_session'), 'no session after a refusal');
  await vpage.screenshot({ path: `${artifacts}/sso-refused.png`, fullPage: true });
  console.log('ok');
} finally {
  await browser.close();
}
