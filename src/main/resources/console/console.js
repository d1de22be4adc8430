// The operators' console: one page, views drawn from the operators' API (/api/v1/), nothing else.
'use strict';

const state = { user: null, refresh: null };
const HEADERS = { 'X-CBEC-Console': '1' };

async function api(path, options = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...options, headers: { ...HEADERS, ...(options.headers || {}) } });
  if (response.status === 401) {
    showLogin();
    throw new Error('login required');
  }
  const type = response.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    throw new Error((body && body.code ? body.code + ': ' : '') + (body && body.detail ? body.detail : response.status));
  }
  return body;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'onclick') node.addEventListener('click', value);
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    node.append(child instanceof Node ? child : document.createTextNode(child === null || child === undefined ? '' : String(child)));
  }
  return node;
}

function table(headings, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, headings.map(h => el('th', {}, h)))),
    el('tbody', {}, rows.map(cells => el('tr', {}, cells.map(c => el('td', {}, c))))));
}

function view(...children) {
  const target = document.getElementById('view');
  target.replaceChildren(...children);
}

function showLogin() {
  state.user = null;
  clearInterval(state.refresh);
  document.getElementById('login').hidden = false;
  document.getElementById('view').replaceChildren();
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
}

function loggedIn(user) {
  state.user = user;
  document.getElementById('login').hidden = true;
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.getElementById('who').textContent = user.name + ' (' + user.role + ')';
  route();
}

async function login(event) {
  event.preventDefault();
  const error = document.getElementById('login-error');
  error.textContent = '';
  const response = await fetch('/api/v1/session', {
    method: 'POST', credentials: 'same-origin', headers: { ...HEADERS, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: document.getElementById('login-name').value, password: document.getElementById('login-password').value })
  });
  const body = await response.json();
  if (!response.ok) {
    error.textContent = body.detail || 'login failed';
    return;
  }
  document.getElementById('login-password').value = '';
  loggedIn(body);
}

async function logout() {
  await fetch('/api/v1/session', { method: 'DELETE', credentials: 'same-origin', headers: HEADERS });
  showLogin();
}

// Charts (uPlot, served from its WebJar at /console/vendor/): one chart per question an operator asks.
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function chart(id, title, unit, times, series, options = {}) {
  const box = el('div', { class: 'chart', id });
  const data = [times, ...series.map(s => s.values)];
  const total = series.reduce((sum, s) => sum + s.values.reduce((a, v) => a + (v === null || v === undefined ? 0 : v), 0), 0);
  box.dataset.points = String(times.length);
  box.dataset.total = String(total);
  box.dataset.series = series.map(s => s.label).join(',');
  box.append(el('h3', {}, title));
  if (times.length === 0) {
    box.append(el('p', { class: 'empty' }, 'No samples yet.'));
    return box;
  }
  const plot = new uPlot({
    width: options.width || 620, height: 220,
    scales: { x: { time: true } },
    axes: [{}, { label: unit, size: 60 }],
    series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: options.spanGaps || false,
      points: { show: options.points || times.length < 3 } }))]
  }, data, box);
  box.uplot = plot;
  return box;
}

function perPartner(c, kind) {
  return Object.entries(c.partners).map(([partner, s]) => ({ label: partner, values: s[kind] }));
}

function certificateTimeline(c) {
  // one line per certificate: days left, from now down to zero on the day it expires
  const certificates = [...c.certificates].sort((a, b) => a.notAfterEpoch - b.notAfterEpoch);
  const times = [c.now, ...certificates.map(x => x.notAfterEpoch)];
  const series = certificates.map((x, i) => ({
    label: x.partner + ': ' + ((x.subject.match(/CN=([^,]+)/) || [null, x.subject])[1]) + ' (' + x.daysToExpiry + ' days)',
    values: times.map((t, j) => j === 0 ? x.daysToExpiry : (j === i + 1 ? 0 : null))
  }));
  return chart('chart-certificates', 'Certificate expiry (days left)', 'days', times, series, { spanGaps: true, points: true, width: 1260 });
}

const views = {
  async charts(query) {
    const params = new URLSearchParams(query);
    const span = params.get('window') === 'P1D' ? 'P1D' : 'PT1H';
    const c = await api('/api/v1/charts?window=' + span);
    const step = c.stepSeconds >= 60 ? (c.stepSeconds / 60) + ' min' : c.stepSeconds + ' s';
    return [el('h1', {}, 'Charts'),
      el('p', {}, 'Last ', el('a', { href: '#/charts?window=PT1H', id: 'window-hour', class: span === 'PT1H' ? 'active' : '' }, 'hour'), ' | ',
        el('a', { href: '#/charts?window=P1D', id: 'window-day', class: span === 'P1D' ? 'active' : '' }, 'day'),
        '. One sample every ' + step + ' of this instance (counts per sample). Refreshes every 10 s.'),
      el('div', { class: 'charts' },
        chart('chart-accepted', 'Messages accepted per partner', 'messages', c.times, perPartner(c, 'accepted')),
        chart('chart-refused', 'Messages refused per partner', 'messages', c.times, perPartner(c, 'refused')),
        chart('chart-delivered', 'Records delivered per partner', 'records', c.times, perPartner(c, 'delivered')),
        // a step without decisions has no latency: points, so that a lone value shows
        chart('chart-latency', 'Accept latency', 'ms', c.times, Object.entries(c.acceptLatencyMillis).map(([p, v]) => ({ label: p, values: v })),
          { points: true }),
        chart('chart-backlog', 'Forward backlog and dead letters', 'records', c.times,
          [{ label: 'backlog', values: c.forwardBacklog }, { label: 'dead letters', values: c.deadLetters }])),
      certificateTimeline(c)];
  },

  async overview() {
    const o = await api('/api/v1/overview');
    const partners = Object.keys(o.last15Minutes);
    return [el('h1', {}, 'Overview'),
      el('p', {}, 'Refreshes every 5 s. Last: ' + o.at),
      el('div', { class: 'cards' },
        el('div', { class: 'card' }, 'Forward backlog', el('b', { id: 'backlog' }, o.forwardBacklog)),
        el('div', { class: 'card' }, 'Dead letters', el('b', { id: 'dead-letter-count', class: o.deadLetters > 0 ? 'bad' : 'ok' }, o.deadLetters)),
        el('div', { class: 'card' }, 'Active alerts', el('b', { class: o.alerts.length > 0 ? 'warn' : 'ok' }, o.alerts.length))),
      el('h2', {}, 'Messages per partner'),
      table(['partner', 'accepted (1 min)', 'refused (1 min)', 'accepted (15 min)', 'duplicates (15 min)', 'refused (15 min)'],
        partners.map(p => {
          const m = o.lastMinute[p] || {}; const q = o.last15Minutes[p] || {};
          return [p, m.ACCEPTED || 0, m.REJECTED || 0, q.ACCEPTED || 0, q.DUPLICATE || 0, el('span', { class: (q.REJECTED || 0) > 0 ? 'warn' : '' }, q.REJECTED || 0)];
        })),
      el('h2', {}, 'Alerts'),
      o.alerts.length === 0 ? el('p', { class: 'ok' }, 'None.') :
        table(['alert', 'subject', 'detail', 'since'], o.alerts.map(a => [el('span', { class: 'warn' }, a.alert), a.subject, a.detail, a.since])),
      el('h2', {}, 'Configuration changes'),
      o.configurationChanges.length === 0 ? el('p', {}, 'None since start.') :
        table(['at', 'what', 'file', 'outcome', 'detail'], o.configurationChanges.map(c =>
          [c.at, c.kind, c.file, el('span', { class: c.outcome === 'REFUSED' ? 'bad' : 'ok' }, c.outcome), c.detail]))];
  },

  async messages(query) {
    const params = new URLSearchParams(query);
    const found = await api('/api/v1/messages?' + params.toString());
    const field = (name, label, type = 'text') => el('label', {}, label, el('input', { name, id: 'filter-' + name, type, value: params.get(name) || '' }));
    const form = el('form', { class: 'filters', id: 'message-filters' },
      field('partner', 'Partner'), field('status', 'Status'), field('format', 'Format'),
      field('since', 'Since (ISO instant)'), field('until', 'Until (ISO instant)'),
      el('button', { type: 'submit', id: 'search' }, 'Search'));
    form.addEventListener('submit', event => {
      event.preventDefault();
      const next = new URLSearchParams();
      for (const [key, value] of new FormData(form).entries()) if (value) next.set(key, value);
      location.hash = '#/messages?' + next.toString();
    });
    return [el('h1', {}, 'Messages'), form, el('p', {}, found.count + ' message(s), newest first'),
      table(['message', 'received', 'partner', 'format', 'verdict', 'status', 'records'], found.messages.map(m => [
        el('a', { href: '#/message/' + m.messageId, class: 'message-link' }, m.messageId), m.receivedAt, m.partner, m.documentFormat,
        m.refusal ? el('span', { class: 'bad' }, m.verdict + ' ' + m.refusal.code) : m.verdict, m.status, m.records]))];
  },

  async message(id) {
    const m = await api('/api/v1/messages/' + encodeURIComponent(id));
    const facts = [['message', m.messageId], ['direction', el('span', { id: 'message-direction' }, m.direction || 'INBOUND')],
      ['received', m.receivedAt], ['partner', m.partner], ['signer', m.signer],
      ['signing time', m.signingTime], ['format', m.documentFormat], ['sha256', m.sha256], ['size', m.sizeBytes + ' bytes'],
      ['verdict', m.verdict], ['status', el('span', { id: 'message-status' }, m.status)], ['records', m.records]];
    if (m.as4MessageId) facts.push(['AS4 eb:MessageId', m.as4MessageId]);
    if (m.refusal) facts.push(['refusal', m.refusal.code + ': ' + m.refusal.detail]);
    const parts = [el('h1', {}, 'Message ' + m.messageId), table(['', ''], facts),
      el('p', {}, el('a', { href: '/api/v1/messages/' + encodeURIComponent(id) + '/content', id: 'download' }, 'Download the archived bytes'))];
    if (m.refusal && m.refusal.errors) parts.push(el('h2', {}, 'Errors'), table(['where', 'what'], m.refusal.errors.map(e => [e.location, e.message])));
    parts.push(el('h2', {}, 'Status history'), table(['at', 'status', 'note'], (m.history || []).map(h => [h.at, h.status, h.note || ''])));
    parts.push(el('h2', {}, 'Records'), table(['seq', 'delivery', 'key', 'attempts', 'last error'], (m.recordList || []).map(r =>
      [r.seq, r.deliveryStatus, r.idempotencyKey || '', r.attempts === undefined ? '' : r.attempts, r.lastError || ''])));
    if (m.receipt) parts.push(el('h2', {}, 'Receipt'), el('pre', {}, JSON.stringify(m.receipt, null, 2)));
    return parts;
  },

  async partners() {
    const found = await api('/api/v1/partners');
    const outbound = await api('/api/v1/outbound');
    return [el('h1', {}, 'Partners'), table(['partner', 'name', 'enabled', 'agreement', 'certificates (days to expiry)', 'last message', 'accepted 24 h', 'refused 24 h', 'refusal codes 24 h'],
      found.partners.map(p => [el('span', { class: 'partner-id' }, p.id), p.name, p.enabled ? 'yes' : 'no',
        p.agreement
          ? el('div', { class: 'agreement', title: JSON.stringify({ inbound: p.agreement.inbound, outbound: p.agreement.outbound }) },
              p.agreement.reference + ' (inbound: ' + Object.entries(p.agreement.inbound).map(([t, f]) => t + ' ' + f.join(' ')).join('; ')
                + (Object.keys(p.agreement.outbound).length ? '; outbound: ' + Object.entries(p.agreement.outbound).map(([t, f]) => t + ' ' + f.join(' ')).join('; ') : '') + ')')
          : el('span', { class: 'warn no-agreement' }, 'NO AGREEMENT: everything crosses, without a legal basis'),
        el('div', {}, p.certificates.map(c => el('div', { class: c.daysToExpiry < 30 ? 'warn' : '' }, c.subject + ' (' + c.daysToExpiry + ' days)'))),
        p.lastMessageAt || 'never', el('span', { class: 'accepted-24h' }, p.last24h.accepted), p.last24h.refused,
        Object.entries(p.last24h.refusalCodes).map(([code, n]) => code + ' ' + n).join(', ')])),
      el('h2', {}, 'Outbound (national data to partners)'),
      table(['partner', 'backlog', 'dead letters', 'delivered', 'failed attempts', 'last delivery', 'last signed receipt'],
        outbound.partners.map(o => [o.partner, el('span', { class: o.backlog > 0 ? 'warn' : '' }, o.backlog),
          el('span', { class: o.deadLettered > 0 ? 'bad' : '' }, o.deadLettered), o.delivered, o.failedAttempts,
          o.lastDeliveredAt || 'never', o.lastReceiptAt || 'none']))];
  },

  async routes() {
    const found = await api('/api/v1/routes');
    return [el('h1', {}, 'Routes'), el('p', {}, 'From Camel\'s own management.'),
      table(['route', 'from', 'state', 'exchanges', 'failures', 'in flight', 'mean ms', 'max ms'], found.routes.map(r =>
        [r.id, r.from, r.state, r.exchanges, el('span', { class: r.failures > 0 ? 'bad' : '' }, r.failures), r.inflight, r.meanMillis, r.maxMillis]))];
  },

  async 'dead-letters'() {
    const found = await api('/api/v1/dead-letters');
    const admin = state.user && state.user.role === 'admin';
    const act = async (id, how) => {
      const note = 'from the console';
      await api('/api/v1/dead-letters/' + encodeURIComponent(id) + (how === 'replay' ? '/replay' : ''),
        { method: how === 'replay' ? 'POST' : 'DELETE', headers: { note } });
      route();
    };
    return [el('h1', {}, 'Dead letters'), el('p', {}, found.count + ' dead-lettered record(s)' + (admin ? '' : '; only an admin may replay or discard')),
      table(['id', 'partner', 'type', 'key', 'attempts', 'last error', 'received', ''], found.deadLetters.map(d => [
        el('a', { href: '#/message/' + d.messageId }, d.id), d.partnerId, d.recordType, d.idempotencyKey, d.attempts, d.lastError, d.receivedAt,
        admin ? el('span', {}, el('button', { class: 'replay', 'data-id': d.id, onclick: () => act(d.id, 'replay') }, 'Replay'), ' ',
          el('button', { class: 'discard', 'data-id': d.id, onclick: () => act(d.id, 'discard') }, 'Discard')) : '']))];
  }
};

async function route() {
  clearInterval(state.refresh);
  if (!state.user) return;
  const hash = location.hash.replace(/^#\//, '') || 'overview';
  const [path, query] = hash.split('?');
  const [name, argument] = path.startsWith('message/') ? ['message', decodeURIComponent(path.slice(8))] : [path, query || ''];
  for (const link of document.querySelectorAll('#nav a')) link.classList.toggle('active', link.getAttribute('href') === '#/' + name);
  const render = views[name] || views.overview;
  try {
    view(...await render(argument));
  } catch (error) {
    if (state.user) view(el('p', { class: 'error' }, error.message));
  }
  if (name === 'overview' || name === '') {
    state.refresh = setInterval(async () => { try { view(...await views.overview()); } catch (e) { /* shown on next view */ } }, 5000);
  } else if (name === 'charts') {
    state.refresh = setInterval(async () => { try { view(...await views.charts(argument)); } catch (e) { /* shown on next view */ } }, 10000);
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  document.getElementById('login-form').addEventListener('submit', login);
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  try {
    const me = await api('/api/v1/session');
    loggedIn(me);
  } catch (e) {
    showLogin();
  }
});
