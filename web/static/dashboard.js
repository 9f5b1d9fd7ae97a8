// Folio's dashboard: forms that talk to the JSON API, uploads with progress
// that survive a flaky connection, and live media status. Vanilla, no build.
'use strict';

function csrfToken() {
  const m = document.cookie.match(/(?:^|; )folio_csrf=([^;]*)/);
  return m ? decodeURIComponent(m[1]) : '';
}

async function api(method, path, body) {
  const headers = { 'X-CSRF-Token': csrfToken() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = new Error((data && data.detail) || res.statusText);
    err.fields = (data && data.errors) || [];
    err.status = res.status;
    throw err;
  }
  return data;
}

function setByPath(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  while (keys.length > 1) { const k = keys.shift(); o = o[k] = o[k] || {}; }
  o[keys[0]] = value;
}

function formBody(form) {
  const body = {};
  for (const el of form.elements) {
    if (!el.name || el.type === 'submit' || el.type === 'file') continue;
    let v = el.type === 'checkbox' ? el.checked : el.value;
    if (el.dataset.type === 'list') v = el.value.split(',').map(s => s.trim()).filter(Boolean);
    setByPath(body, el.name, v);
  }
  return body;
}

function showError(form, err) {
  const box = form.querySelector('.form-error');
  if (!box) return;
  const fields = err.fields.map(f => `${f.field}: ${f.message}`).join('; ');
  box.textContent = fields ? `${err.message} ${fields}` : err.message;
  box.hidden = false;
}

function status(name, text) {
  const el = document.querySelector(`[data-status-for="${name}"]`);
  if (el) el.textContent = text;
}

document.addEventListener('submit', async (ev) => {
  const form = ev.target.closest('form[data-form]');
  if (!form) return;
  ev.preventDefault();
  const [method, path] = form.dataset.form.split(' ');
  const body = formBody(form);
  const box = form.querySelector('.form-error');
  if (box) box.hidden = true;
  try {
    const res = await api(method, path, body);
    if (res && res.second_factor_required) {
      location.assign('/login/two-factor'); // the password was right; the session waits
    } else if ('thenLogin' in form.dataset) {
      await api('POST', '/api/v1/auth/login', { email: body.email, password: body.password });
      location.assign(form.dataset.thenLogin);
    } else if (form.dataset.then) {
      location.assign(form.dataset.then);
    } else if ('thenProject' in form.dataset) {
      location.assign(`/dashboard/projects/${res.id}`);
    } else {
      const s = form.querySelector('.status');
      if (s) s.textContent = 'Saved.';
      for (const el of form.querySelectorAll('input[type=password]')) el.value = '';
    }
  } catch (err) {
    showError(form, err);
  }
});

document.addEventListener('click', async (ev) => {
  const el = ev.target.closest('[data-action]');
  if (!el) return;
  const action = el.dataset.action;
  try {
    if (action === 'logout') {
      await api('POST', '/api/v1/auth/logout');
      location.assign('/');
    } else if (action === 'logout-all') {
      if (!confirm('Log out of Folio in every browser and app, this one included?')) return;
      await api('POST', '/api/v1/auth/logout-all');
      location.assign('/login');
    } else if (action === 'save-featured') {
      const rows = [...document.querySelectorAll('input[name="featured"]:checked')].map(cb => {
        const order = document.querySelector(`input[name="order-${cb.value}"]`);
        return { id: Number(cb.value), order: Number(order && order.value) || 99 };
      });
      rows.sort((a, b) => a.order - b.order);
      await api('PUT', '/api/v1/me/featured', { project_ids: rows.map(r => r.id) });
      status(action, 'Featured projects saved.');
    } else if (action === 'delete-project') {
      if (!confirm('Delete this project, its screencast and screenshots?')) return;
      await api('DELETE', `/api/v1/projects/${el.dataset.project}`);
      location.assign('/dashboard');
    } else if (action === 'apidocs-repo') {
      await api('POST', `/api/v1/projects/${el.dataset.project}/apidocs`, { from_repository: true });
      watchDocs(el.dataset.project);
    } else if (action === 'check-demo') {
      status(action, 'Checking…');
      const r = await api('POST', `/api/v1/projects/${el.dataset.project}/demo/check`);
      status(action, r.up ? `Up (HTTP ${r.status_code}, ${r.latency_ms} ms).` : `Down: ${r.error}`);
    }
  } catch (err) {
    status(action, err.message);
  }
});

// Markdown preview, rendered by the server exactly as the page will be.
let previewTimer;
document.addEventListener('input', (ev) => {
  const ta = ev.target.closest('textarea[data-preview]');
  if (!ta) return;
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    try {
      const r = await api('POST', '/api/v1/preview', { markdown: ta.value });
      document.getElementById(ta.dataset.preview).innerHTML = r.html; // sanitized by the server
    } catch (_) { /* the preview is a convenience */ }
  }, 300);
});

function xhrSend(method, url, body, headers, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [k, v] of Object.entries(headers || {})) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress && onProgress(e.loaded);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300) ? resolve(xhr) : reject(Object.assign(new Error(`HTTP ${xhr.status}`), { xhr }));
    xhr.onerror = () => reject(new Error('network error'));
    xhr.send(body);
  });
}

const sleep = (ms) => new Promise(r => setTimeout(r, ms));

// Resumable upload: parts go straight to storage; a failed part is retried
// with backoff, and finished parts are remembered so that choosing the same
// file again after a reload continues where it stopped.
async function resumableUpload(file, projectId, kind, progress) {
  const memoKey = `folio-upload:${projectId}:${file.name}:${file.size}:${file.lastModified}`;
  let memo = JSON.parse(localStorage.getItem(memoKey) || 'null');
  let plan;
  if (memo) {
    try { plan = await api('POST', `/api/v1/uploads/${memo.media_id}/parts`); } catch (_) { memo = null; }
  }
  if (!memo) {
    plan = await api('POST', `/api/v1/projects/${projectId}/uploads`, {
      kind, filename: file.name, size: file.size, content_type: file.type || 'application/octet-stream',
    });
    memo = { media_id: plan.media_id, etags: {} };
  }
  const done = () => Object.keys(memo.etags).reduce((n, k) => n + Math.min(plan.part_size, file.size - (k - 1) * plan.part_size), 0);
  for (const part of plan.parts) {
    if (memo.etags[part.number]) continue;
    const start = (part.number - 1) * plan.part_size;
    const blob = file.slice(start, Math.min(start + plan.part_size, file.size));
    for (let attempt = 1; ; attempt++) {
      try {
        const xhr = await xhrSend('PUT', part.url, blob, {}, (loaded) => progress((done() + loaded) / file.size));
        memo.etags[part.number] = xhr.getResponseHeader('ETag');
        localStorage.setItem(memoKey, JSON.stringify(memo));
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
        await sleep(500 * 2 ** attempt);
      }
    }
  }
  progress(1);
  const parts = Object.entries(memo.etags).map(([n, etag]) => ({ number: Number(n), etag }));
  const media = await api('POST', `/api/v1/uploads/${memo.media_id}/complete`, { parts });
  localStorage.removeItem(memoKey);
  return media;
}

// Streaming upload through the API, for images.
async function streamingUpload(file, path, progress) {
  const xhr = await xhrSend('POST', path, file, { 'X-CSRF-Token': csrfToken(), 'Content-Type': file.type || 'application/octet-stream' },
    (loaded) => progress(loaded / file.size));
  progress(1);
  return JSON.parse(xhr.responseText);
}

function watchMedia(id, label) {
  const tick = async () => {
    try {
      const m = await api('GET', `/api/v1/media/${id}`);
      label.textContent = m.status + (m.error ? `: ${m.error}` : '');
      if (m.status !== 'ready' && m.status !== 'failed') setTimeout(tick, 1000);
    } catch (_) { setTimeout(tick, 3000); }
  };
  tick();
}

document.addEventListener('change', async (ev) => {
  const input = ev.target.closest('input[type=file][data-upload]');
  if (!input || !input.files.length) return;
  const kind = input.dataset.upload;
  const file = input.files[0];
  const bar = document.querySelector(`[data-progress="${kind}"]`);
  bar.hidden = false;
  bar.value = 0;
  const progress = (f) => { bar.value = Math.round(f * 100); status(kind, `${bar.value}%`); };
  try {
    let media;
    if (kind === 'screencast') {
      media = await resumableUpload(file, input.dataset.project, kind, progress);
    } else if (kind === 'avatar') {
      media = await streamingUpload(file, '/api/v1/me/avatar', progress);
    } else {
      media = await streamingUpload(file, `/api/v1/projects/${input.dataset.project}/media?kind=${kind}&filename=${encodeURIComponent(file.name)}`, progress);
    }
    const list = document.querySelector('[data-testid="media"]');
    const label = document.createElement('span');
    label.dataset.mediaStatus = media.id;
    if (list) {
      const li = document.createElement('li');
      li.dataset.mediaId = media.id;
      li.append(`${media.kind} ${media.filename}: `, label);
      list.append(li);
    }
    status(kind, 'Uploaded; processing…');
    watchMedia(media.id, list ? label : document.querySelector(`[data-status-for="${kind}"]`));
  } catch (err) {
    status(kind, `Upload failed: ${err.message}`);
  }
});

for (const label of document.querySelectorAll('[data-media-status]')) {
  if (!/^(ready|failed)/.test(label.textContent)) watchMedia(label.dataset.mediaStatus, label);
}

// API docs: upload a spec or an archive, then follow generation.
const docsTypes = [[/\.ya?ml$/i, 'application/yaml'], [/\.json$/i, 'application/json'], [/\.zip$/i, 'application/zip'], [/\.(tar\.gz|tgz)$/i, 'application/gzip']];

function watchDocs(projectId) {
  const label = document.querySelector(`[data-apidocs-status="${projectId}"]`);
  const tick = async () => {
    try {
      const d = await api('GET', `/api/v1/projects/${projectId}/apidocs`);
      label.textContent = d.status + (d.error ? `: ${d.error}` : d.status === 'ready' ? ` (${d.title} ${d.version}, ${d.operations} operations)` : '');
      if (d.status !== 'ready' && d.status !== 'failed') setTimeout(tick, 1000);
    } catch (err) { label.textContent = err.message; }
  };
  tick();
}

document.addEventListener('change', async (ev) => {
  const input = ev.target.closest('input[type=file][data-apidocs-upload]');
  if (!input || !input.files.length) return;
  const file = input.files[0];
  const type = (docsTypes.find(([re]) => re.test(file.name)) || [null, file.type])[1];
  const projectId = input.dataset.apidocsUpload;
  try {
    await xhrSend('POST', `/api/v1/projects/${projectId}/apidocs`, file, { 'X-CSRF-Token': csrfToken(), 'Content-Type': type });
    watchDocs(projectId);
  } catch (err) {
    document.querySelector(`[data-apidocs-status="${projectId}"]`).textContent = `Upload failed: ${err.message}`;
  }
});
