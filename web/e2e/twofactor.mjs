// Two-factor authentication and passkeys in headless Chromium: sign up,
// turn on two-factor authentication from the key on the set-up page (the
// QR code is drawn by Folio, no request leaves the site), keep the
// recovery codes, add a passkey on Chrome's virtual authenticator (the
// DevTools WebAuthn domain), log out, log in with the password and a TOTP
// code computed here, log out, and sign in with the passkey alone. Run by
// the Go test TestBrowserTwoFactor (cmd/folio) against `folio dev` on
// localhost.
import { chromium } from 'playwright-core';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';

const base = process.env.BASE_URL;
const artifacts = process.env.ARTIFACTS;
mkdirSync(artifacts, { recursive: true });

const step = (name) => console.log(`step: ${name}`);

// totp is RFC 6238's code (SHA-1, 6 digits, 30 s) of a base32 secret at
// unix time t seconds.
function totp(secret, t) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});

try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const elsewhere = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) elsewhere.push(r.url());
  });

  step('a virtual platform authenticator with resident keys and user verification');
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true },
  });

  step('sign up');
  const handle = `mfa${Date.now().toString(36)}`;
  const email = `${handle}@example.com`;
  await page.goto(`${base}/register`);
  await page.fill('#display_name', 'Katherine Johnson');
  await page.fill('#handle', handle);
  await page.fill('#email', email);
  await page.fill('#password', 'correct horse battery');
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/dashboard`);

  step('turn on two-factor authentication with the key from the set-up page');
  await page.click('a[href="/dashboard/security"]');
  await page.waitForURL(`${base}/dashboard/security`);
  assert.match(await page.textContent('[data-testid=totp-state]'), /^Off/);
  await page.click('[data-testid=totp-enable]');
  const qr = await page.getAttribute('[data-testid=totp-qr]', 'src');
  assert.ok(qr.startsWith('data:image/png;base64,'), 'the QR code is drawn by Folio');
  const secret = (await page.textContent('[data-testid=totp-secret]')).trim();
  await page.screenshot({ path: `${artifacts}/twofactor-setup.png`, fullPage: true });
  await page.fill('#code', totp(secret, Date.now() / 1000));
  await page.click('form[action="/dashboard/security/totp"] button[type=submit]');
  await page.waitForSelector('[data-testid=recovery-codes]');
  const codes = await page.locator('[data-testid=recovery-codes] code').allTextContents();
  assert.equal(codes.length, 10, 'ten recovery codes');
  assert.match(await page.textContent('[data-testid=totp-state]'), /^On/);

  step('add a passkey on the virtual authenticator');
  await page.fill('[data-passkey-name]', 'Virtual key');
  await page.click('[data-passkey=register]');
  await page.waitForURL(`${base}/dashboard/security?done=added`);
  assert.equal(await page.locator('[data-testid=passkey]').count(), 1);
  assert.equal(await page.inputValue('[data-testid=passkey] input[name=name]'), 'Virtual key');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1, 'one credential on the authenticator');
  assert.ok(credentials[0].isResidentCredential, 'a discoverable credential');
  await page.screenshot({ path: `${artifacts}/twofactor-security.png`, fullPage: true });

  step('log out; the password alone no longer signs in');
  await page.goto(`${base}/dashboard`);
  await page.click('[data-action=logout]');
  await page.waitForURL((u) => !u.pathname.startsWith('/dashboard'));
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', 'correct horse battery');
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/login/two-factor`);
  const blocked = await page.request.get(`${base}/api/v1/me`);
  assert.equal(blocked.status(), 401, 'no session before the second factor');

  step('the second step with a TOTP code computed here');
  // The set-up used the current time step, and a used step is refused:
  // the next step's code is within the window.
  await page.fill('#code', '000000');
  await page.click('form[data-form="POST /api/v1/auth/login/totp"] button[type=submit]');
  await page.waitForSelector('form[data-form="POST /api/v1/auth/login/totp"] .form-error:not([hidden])');
  await page.fill('#code', totp(secret, Date.now() / 1000 + 30));
  await page.click('form[data-form="POST /api/v1/auth/login/totp"] button[type=submit]');
  await page.waitForURL(`${base}/dashboard`);

  step('log out, and sign in with the passkey alone');
  await page.click('[data-action=logout]');
  await page.waitForURL((u) => !u.pathname.startsWith('/dashboard'));
  await page.goto(`${base}/login`);
  await page.click('[data-passkey=login]');
  await page.waitForURL(`${base}/dashboard`, { timeout: 15000 }).catch(async (err) => {
    throw new Error(`${err.message}; the page says: ${await page.textContent('[data-passkey-status]')}`);
  });
  const me = await (await page.request.get(`${base}/api/v1/me`)).json();
  assert.equal(me.handle, handle, 'the passkey signed in its own account');
  await page.screenshot({ path: `${artifacts}/twofactor-dashboard.png`, fullPage: true });

  assert.deepEqual(elsewhere, [], 'no request left the site');
  console.log('two-factor flow: ok');
} finally {
  await browser.close();
}
