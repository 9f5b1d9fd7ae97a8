// Passkeys: the WebAuthn ceremonies of the security page (add), the login
// pages (sign in, or the second step) and the re-authentication page. The
// server checks everything; this only carries the options to the browser's
// authenticator and its answer back. Vanilla, no build, no inline script.
'use strict';

(() => {
  const b64u = {
    decode(s) {
      const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
      return Uint8Array.from(b, (c) => c.charCodeAt(0)).buffer;
    },
    encode(buf) {
      let s = '';
      for (const x of new Uint8Array(buf)) s += String.fromCharCode(x);
      return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    },
  };

  function csrf() {
    const m = document.cookie.match(/(?:^|; )folio_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : '';
  }

  async function post(path, body) {
    const res = await fetch(path, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() },
      body: JSON.stringify(body || {}),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const err = new Error((data && data.detail) || res.statusText);
      err.type = data && data.type;
      throw err;
    }
    return data;
  }

  // The server's options carry bytes as base64url; the browser wants buffers.
  function creationOptions(o) {
    const pk = { ...o.publicKey };
    pk.challenge = b64u.decode(pk.challenge);
    pk.user = { ...pk.user, id: b64u.decode(pk.user.id) };
    pk.excludeCredentials = (pk.excludeCredentials || []).map((c) => ({ ...c, id: b64u.decode(c.id) }));
    return { publicKey: pk };
  }

  function requestOptions(o) {
    const pk = { ...o.publicKey };
    pk.challenge = b64u.decode(pk.challenge);
    pk.allowCredentials = (pk.allowCredentials || []).map((c) => ({ ...c, id: b64u.decode(c.id) }));
    return { publicKey: pk };
  }

  function credentialJSON(cred) {
    const r = cred.response;
    const response = { clientDataJSON: b64u.encode(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = b64u.encode(r.attestationObject);
      if (r.getTransports) response.transports = r.getTransports();
    } else {
      response.authenticatorData = b64u.encode(r.authenticatorData);
      response.signature = b64u.encode(r.signature);
      if (r.userHandle) response.userHandle = b64u.encode(r.userHandle);
    }
    return {
      id: cred.id, rawId: b64u.encode(cred.rawId), type: cred.type, response,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
    };
  }

  async function register() {
    const begin = await post('/api/v1/me/passkeys/begin');
    const cred = await navigator.credentials.create(creationOptions(begin.options));
    const name = document.querySelector('[data-passkey-name]');
    await post('/api/v1/me/passkeys', { ceremony: begin.ceremony, name: name ? name.value : '', credential: credentialJSON(cred) });
  }

  async function signIn(secondFactor) {
    const begin = await post('/api/v1/auth/passkey/begin' + (secondFactor ? '?second_factor=true' : ''));
    const cred = await navigator.credentials.get(requestOptions(begin.options));
    await post('/api/v1/auth/passkey/finish', { ceremony: begin.ceremony, credential: credentialJSON(cred) });
  }

  async function reauth() {
    const begin = await post('/api/v1/auth/reauthenticate/passkey/begin');
    const cred = await navigator.credentials.get(requestOptions(begin.options));
    await post('/api/v1/auth/reauthenticate/passkey/finish', { ceremony: begin.ceremony, credential: credentialJSON(cred) });
  }

  document.addEventListener('click', async (ev) => {
    const el = ev.target.closest('[data-passkey]');
    if (!el) return;
    const status = document.querySelector('[data-passkey-status]');
    const say = (text) => { if (status) status.textContent = text; };
    if (!window.PublicKeyCredential) {
      say('This browser does not support passkeys.');
      return;
    }
    el.disabled = true;
    say('Waiting for your passkey…');
    try {
      const kind = el.dataset.passkey;
      if (kind === 'register') await register();
      else if (kind === 'login') await signIn('secondFactor' in el.dataset);
      else if (kind === 'reauth') await reauth();
      location.assign(el.dataset.next || '/dashboard');
    } catch (err) {
      if (err.type && err.type.endsWith('/reauthentication_required')) {
        location.assign('/reauth?next=' + encodeURIComponent(location.pathname));
        return;
      }
      say(err.name === 'NotAllowedError' ? 'The passkey request was cancelled or timed out.' : err.message);
    } finally {
      el.disabled = false;
    }
  });
})();
