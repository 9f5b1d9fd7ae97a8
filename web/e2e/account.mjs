// The account email flows in headless Chromium, with the mail read through
// Mailpit's API: sign up, verify the address from the mailed link, set
// notification preferences, log out, ask for a password reset from the
// login page, follow the mailed link, set a new password and log in with
// it. Run by the Go test TestBrowserAccountFlow (cmd/folio), which starts
// `folio dev` sending mail to the stack's Mailpit and passes the settings.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';

const base = process.env.BASE_URL;
const mailpit = process.env.MAILPIT_URL;
const address = process.env.MAIL_ADDRESS; // this run's own; Mailpit is shared
const artifacts = process.env.ARTIFACTS;
mkdirSync(artifacts, { recursive: true });

const step = (name) => console.log(`step: ${name}`);

// waitForMail polls Mailpit until a message to address with subject
// arrives and returns it in full. Polling has a deadline; the worker
// delivers the outbox every few seconds.
async function waitForMail(subject, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${mailpit}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`);
    assert.equal(res.status, 200, 'Mailpit search');
    const { messages } = await res.json();
    const hit = messages.find((m) => m.Subject === subject && m.To.some((t) => t.Address.toLowerCase() === address.toLowerCase()));
    if (hit) return (await fetch(`${mailpit}/api/v1/message/${hit.ID}`)).json();
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no mail "${subject}" to ${address} within ${timeoutMs} ms`);
}

// linkIn returns the link to path in a message; the HTML part carries it too.
function linkIn(msg, path) {
  const m = msg.Text.match(new RegExp(`https?://\\S+/${path}\\?token=fa_[A-Za-z0-9_-]+`));
  assert.ok(m, `no /${path} link in:\n${msg.Text}`);
  assert.ok(msg.HTML.includes(`href="${m[0]}"`), 'the HTML part has the same link');
  assert.ok(!/<img/i.test(msg.HTML), 'no images (and no tracking pixel) in the mail');
  return m[0];
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});

try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();

  step('sign up: the dashboard says why no notification comes yet');
  await page.goto(`${base}/register`);
  await page.fill('#display_name', 'Grace Hopper');
  await page.fill('#handle', 'grace');
  await page.fill('#email', address);
  await page.fill('#password', 'correct horse battery');
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/dashboard`);
  assert.match(await page.textContent('[data-testid=verify-banner]'), /not verified yet/);

  step('verify the address from the mailed link');
  const verify = await waitForMail('Verify your email address for Folio');
  await page.goto(linkIn(verify, 'verify-email'));
  await page.click('form[action="/verify-email"] button[type=submit]');
  assert.match(await page.textContent('[data-testid=account-done]'), /is verified/);
  await page.goto(`${base}/dashboard`);
  assert.equal(await page.locator('[data-testid=verify-banner]').count(), 0, 'the banner is gone');

  step('notification preferences: screencast failures by email off, saved');
  await page.goto(`${base}/dashboard/notifications`);
  const pref = page.locator('input[name="email:media_failed"]');
  assert.ok(await pref.isChecked(), 'on by default');
  await pref.uncheck();
  await page.click('form[action="/dashboard/notifications"] button[type=submit]');
  await page.goto(`${base}/dashboard/notifications`);
  assert.equal(await page.locator('input[name="email:media_failed"]').isChecked(), false, 'the preference was saved');
  assert.ok(await page.locator('input[name="email:demo_down"]').isChecked(), 'the others stay');

  step('log out, then "Forgot password?" on the login page');
  await page.goto(`${base}/dashboard`);
  await page.click('[data-action=logout]');
  await page.waitForURL((u) => !u.pathname.startsWith('/dashboard'));
  await page.goto(`${base}/login`);
  await page.click('[data-testid=forgot-link]');
  await page.waitForURL(`${base}/forgot-password`);
  await page.fill('#email', address);
  await page.click('form[action="/forgot-password"] button[type=submit]');
  assert.match(await page.textContent('[data-testid=account-done]'), /on its way/);

  step('follow the reset link from the mail and set a new password');
  const reset = await waitForMail('Reset your Folio password');
  await page.goto(linkIn(reset, 'reset-password'));
  await page.fill('#password', 'a brand new password');
  await page.fill('#confirm', 'a brand new password');
  await page.click('form[action="/reset-password"] button[type=submit]');
  assert.match(await page.textContent('[data-testid=account-done]'), /password is changed/);
  await page.screenshot({ path: `${artifacts}/account-reset-done.png`, fullPage: true });
  await waitForMail('Your Folio password was reset');

  step('the old password no longer works; the new one does');
  await page.goto(`${base}/login`);
  await page.fill('#email', address);
  await page.fill('#password', 'correct horse battery');
  await page.click('button[type=submit]');
  await page.waitForSelector('.form-error:not([hidden])');
  await page.fill('#password', 'a brand new password');
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/dashboard`);
  await page.screenshot({ path: `${artifacts}/account-dashboard.png`, fullPage: true });
  console.log('account flow: ok');
} finally {
  await browser.close();
}
