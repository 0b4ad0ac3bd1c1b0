// HealthGateway ops console. Vanilla JS, no dependencies: everything is served by the gateway.
// The admin token lives in sessionStorage (this tab only) and is sent as an Authorization header, also for
// the live event stream (fetch + ReadableStream instead of EventSource, which cannot send headers).
'use strict';

(() => {
  const TOKEN_KEY = 'hgw.ops.token';
  const API = '/api/v1/ops';
  const REFRESH_MS = 2000;
  const MAX_EVENTS = 200;
  const STREAM_RETRY_MIN_MS = 1000;
  const STREAM_RETRY_MAX_MS = 15000;

  const $ = (id) => document.getElementById(id);

  class AuthError extends Error {
    constructor(status) {
      super(`HTTP ${status}`);
      this.status = status;
    }
  }

  class ApiError extends Error {
    constructor(path, status, title, detail) {
      super(`${title || 'HTTP ' + status}${detail ? ': ' + detail : ''}`);
      this.path = path;
      this.status = status;
    }
  }

  /** One signed-in session: its abort signal stops the refresh loop and the event stream together. */
  let session = null;

  // ---------- formatting ----------

  const pad = (n) => String(n).padStart(2, '0');

  function clock(value) {
    if (!value) return '–';
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return '–';
    return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
    const s = Math.max(0, Math.floor(seconds));
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
    if (s < 86400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
    return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
  }

  const secondsSince = (value) => (value ? (Date.now() - new Date(value).getTime()) / 1000 : null);
  const rate = (value) => (value === null || value === undefined ? '–' : value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en'));
  const count = (value) => (value === null || value === undefined ? '–' : Number(value).toLocaleString('en'));
  // "akka.tcp://gateway@127.0.0.1:4053" reads as "gateway@127.0.0.1:4053": the scheme is the same everywhere.
  const shortAddress = (address) => (address ? address.replace(/^akka(\.[a-z]+)?:\/\//, '') : '–');

  function el(tag, options = {}, children = []) {
    const node = document.createElement(tag);
    if (options.className) node.className = options.className;
    if (options.text !== undefined) node.textContent = options.text;
    if (options.title) node.title = options.title;
    for (const [key, value] of Object.entries(options.data || {})) node.dataset[key] = value;
    for (const child of children) if (child) node.append(child);
    return node;
  }

  const badge = (text, tone, field) => el('span', { className: 'badge', text, data: field ? { tone, field } : { tone } });

  function emptyRow(tbody, columns, text) {
    const cell = el('td', { className: 'empty', text });
    cell.colSpan = columns;
    tbody.replaceChildren(el('tr', {}, [cell]));
  }

  function showMessage(target, kind, text, reason) {
    target.hidden = !text;
    target.textContent = text || '';
    target.dataset.kind = kind || 'info';
    if (reason) target.dataset.reason = reason; else delete target.dataset.reason;
  }

  // ---------- token ----------

  /** What the token says about itself, for display only: the gateway decides what it is worth. */
  function describeToken(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const claims = JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')));
      return { subject: claims.sub, role: claims.role, expires: claims.exp ? new Date(claims.exp * 1000) : null };
    } catch {
      return {};
    }
  }

  // ---------- API ----------

  async function api(path, current) {
    const response = await fetch(API + path, {
      headers: { Authorization: `Bearer ${current.token}`, Accept: 'application/json' },
      cache: 'no-store',
      signal: current.abort.signal,
    });
    if (response.status === 401 || response.status === 403) throw new AuthError(response.status);
    if (!response.ok) {
      let problem = {};
      try { problem = await response.json(); } catch { /* not problem+json */ }
      throw new ApiError(path, response.status, problem.title, problem.detail);
    }
    return response.json();
  }

  // ---------- views ----------

  function showLogin(kind, text, reason) {
    $('console-view').hidden = true;
    $('session-bar').hidden = true;
    $('login-view').hidden = false;
    showMessage($('login-message'), kind, text, reason);
    $('sign-in').disabled = false;
    $('token-input').focus();
  }

  function showConsole() {
    $('login-view').hidden = true;
    $('console-view').hidden = false;
    $('session-bar').hidden = false;
    const who = describeToken(session.token);
    $('who').textContent = who.subject ? `${who.subject}${who.expires ? ' · until ' + clock(who.expires) : ''}` : '–';
  }

  function signOut(kind, text, reason) {
    if (session) session.abort.abort();
    session = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $('token-input').value = '';
    showLogin(kind, text, reason);
  }

  function authFailed(status) {
    if (status === 403) {
      signOut('error', 'Access denied (403): this token is valid but does not carry the admin role. The ops console needs an admin token.', 'forbidden');
    } else {
      signOut('error', 'Not signed in (401): the gateway did not accept this token. It may have expired, be malformed, or come from another issuer.', 'unauthorized');
    }
  }

  function setLive(state, text) {
    const live = $('live-state');
    live.dataset.state = state;
    $('live-text').textContent = text;
  }

  function renderMembers(view) {
    const tbody = $('members-table').tBodies[0];
    $('self-node').textContent = shortAddress(view.self);
    $('leader').textContent = shortAddress(view.leader);
    const unreachable = new Set(view.unreachable || []);
    const members = [...(view.members || [])].sort((a, b) => a.address.localeCompare(b.address));
    if (members.length === 0) return emptyRow(tbody, 5, 'No members.');
    tbody.replaceChildren(...members.map((m) => {
      const reachable = m.reachable && !unreachable.has(m.address);
      const statusTone = m.status === 'Up' ? 'ok' : m.status === 'Down' || m.status === 'Removed' ? 'bad' : 'warn';
      const address = el('td', { className: 'mono' }, [
        el('span', { text: shortAddress(m.address), title: m.address }),
        m.address === view.leader ? el('span', { className: 'leader-mark', text: 'LEADER' }) : null,
        m.address === view.self ? el('span', { className: 'self-mark', text: '(this node)' }) : null,
      ]);
      return el('tr', { data: { member: m.address, status: m.status } }, [
        address,
        el('td', {}, [badge(m.status, statusTone, 'status')]),
        el('td', {}, [badge(reachable ? 'reachable' : 'unreachable', reachable ? 'ok' : 'bad', 'reachable')]),
        el('td', {}, (m.roles || []).map((r) => el('span', { className: 'tag', text: r }))),
        el('td', { className: 'num', text: String(m.upNumber ?? '–') }),
      ]);
    }));
    const up = members.filter((m) => m.status === 'Up').length;
    $('tile-members').textContent = `${up} / ${members.length}`;
    $('tile-members').dataset.tone = up === members.length ? 'ok' : 'warn';
    const unreachableCount = members.filter((m) => !m.reachable || unreachable.has(m.address)).length;
    $('tile-unreachable').textContent = String(unreachableCount);
    $('tile-unreachable').dataset.tone = unreachableCount > 0 ? 'bad' : 'ok';
  }

  function renderRegions(regions) {
    const tbody = $('shards-table').tBodies[0];
    const rows = [...regions].sort((a, b) => a.typeName.localeCompare(b.typeName) || a.node.localeCompare(b.node));
    if (rows.length === 0) return emptyRow(tbody, 5, 'No shard regions yet.');
    const totals = new Map();
    for (const r of rows) totals.set(r.typeName, (totals.get(r.typeName) || 0) + r.entities);
    tbody.replaceChildren(...rows.map((r) => {
      const total = totals.get(r.typeName) || 0;
      const share = total > 0 ? r.entities / total : 0;
      const fill = el('span');
      fill.style.width = `${(share * 100).toFixed(1)}%`;
      return el('tr', { data: { node: r.node, region: r.typeName } }, [
        el('td', { className: 'mono', text: shortAddress(r.node), title: r.node }),
        el('td', { className: 'mono', text: r.typeName }),
        el('td', { className: 'num', text: count(r.shards) }),
        el('td', { className: 'num', text: count(r.entities) }),
        el('td', { title: `${(share * 100).toFixed(0)}% of ${r.typeName} entities` }, [el('div', { className: 'bar' }, [fill])]),
      ]);
    }));
  }

  /** Messages per second per unit, from the counters of two successive samples. */
  function sampleThroughput(units) {
    const now = performance.now();
    const previous = session.sample;
    const rates = new Map();
    if (previous && now - previous.at >= 500) {
      const seconds = (now - previous.at) / 1000;
      for (const u of units) {
        const before = previous.counters.get(u.unitId);
        if (!before) continue;
        // A counter that went down (session restarted elsewhere) gives no rate rather than a negative one.
        rates.set(u.unitId, {
          delivered: Math.max(0, u.delivered - before.delivered) / seconds,
          applied: Math.max(0, u.applied - before.applied) / seconds,
        });
      }
    } else if (previous) {
      return session.rates; // too close to the last sample to say anything new
    }
    session.sample = { at: now, counters: new Map(units.map((u) => [u.unitId, { delivered: u.delivered, applied: u.applied }])) };
    session.rates = rates;
    return rates;
  }

  function renderUnits() {
    const units = session.units || [];
    const rates = session.rates || new Map();
    const tbody = $('units-table').tBodies[0];
    const filter = $('unit-filter').value.trim().toLowerCase();
    const offlineOnly = $('offline-only').checked;
    const shown = units.filter((u) =>
      (!offlineOnly || !u.connected) &&
      (!filter || u.unitId.toLowerCase().includes(filter) || (u.node || '').toLowerCase().includes(filter)));

    const online = units.filter((u) => u.connected).length;
    const backlog = units.reduce((sum, u) => sum + (u.backlog || 0), 0);
    let delivered = 0, applied = 0;
    for (const r of rates.values()) { delivered += r.delivered; applied += r.applied; }
    $('tile-units').textContent = `${online} / ${units.length}`;
    $('tile-units').dataset.tone = units.length === 0 || online === units.length ? 'ok' : 'warn';
    $('tile-backlog').textContent = count(backlog);
    $('tile-backlog').dataset.tone = backlog > 0 ? 'warn' : '';
    $('tile-delivered').textContent = session.sample && rates.size ? rate(delivered) : '–';
    $('tile-applied').textContent = session.sample && rates.size ? rate(applied) : '–';
    $('units-count').textContent = shown.length === units.length ? `${units.length} units` : `${shown.length} of ${units.length} units`;

    if (shown.length === 0) return emptyRow(tbody, 10, units.length === 0 ? 'No unit has connected yet.' : 'No unit matches the filter.');
    tbody.replaceChildren(...shown.map((u) => {
      const state = u.connected ? 'online' : 'offline';
      const r = rates.get(u.unitId);
      const age = u.oldestBufferedAgeSeconds;
      const backlogTone = !u.backlog ? '' : age !== null && age !== undefined && age > 300 ? 'bad' : 'warn';
      const seen = u.connected
        ? el('td', {}, [el('span', { text: `since ${clock(u.connectedSince)}` }), el('span', { className: 'sub', text: ` · ${duration(secondsSince(u.connectedSince))}` })])
        : el('td', {}, [el('span', { text: u.lastSeen ? `last seen ${clock(u.lastSeen)}` : 'never seen' }),
          u.lastSeen ? el('span', { className: 'sub', text: ` · ${duration(secondsSince(u.lastSeen))} ago` }) : null]);
      return el('tr', { data: { unitId: u.unitId, state } }, [
        el('td', { className: 'mono unit-id', text: u.unitId }),
        el('td', {}, [badge(state, u.connected ? 'ok' : 'bad', 'state'), deliveryBadge(u)]),
        el('td', { className: 'mono', text: u.connected ? shortAddress(u.node) : '–', title: u.node || '', data: { field: 'node' } }),
        seen,
        el('td', { className: 'mono', text: [u.protocolVersion && `p${u.protocolVersion}`, u.softwareVersion].filter(Boolean).join(' · ') || '–' }),
        el('td', { className: 'num backlog', text: count(u.backlog), data: { tone: backlogTone, field: 'backlog' } }),
        el('td', { className: 'num', text: duration(age) }),
        el('td', { className: 'num', text: r ? rate(r.delivered) : '–' }),
        el('td', { className: 'num', text: r ? rate(r.applied) : '–' }),
        operationsCell(u.operations || {}),
      ]);
    }));
  }

  /** Deliveries held because the unit's store disagrees with the gateway's (restored from a backup, or ahead): what and how to resolve. */
  function deliveryBadge(u) {
    const m = u.deliveryMismatch;
    if (!m) return null;
    const behind = m.state === 'unit-behind';
    const lost = (m.missingOperationIds || []).length ? `: ${m.missingOperationIds.join(', ')}` : '';
    const title = (behind
      ? `restored: unit at seq ${m.unitLastAppliedSeq}, gateway settled up to ${m.gatewaySettledSeq}, ${m.missingAtUnit} settled writes the unit no longer has${lost}`
      : `ahead: unit at seq ${m.unitLastAppliedSeq}, gateway assigned up to ${m.gatewayLastWriteSeq}`)
      + `. New writes are held; resolve with: hgw units resync ${u.unitId}`;
    const node = badge(behind ? 'restored' : 'ahead', 'bad', 'delivery');
    node.title = title;
    return node;
  }

  /** Only the non-zero operation counts, named: "3 queued · 4 applied" reads faster than five columns of zeros. */
  function operationsCell(ops) {
    const parts = [['queued', ''], ['delivered', ''], ['applied', ''], ['rejected', 'bad'], ['expired', 'bad']]
      .filter(([name]) => ops[name] > 0)
      .map(([name, tone]) => el('span', { className: 'op', text: `${count(ops[name])} ${name}`, data: { tone } }));
    const cell = el('td', { className: 'ops', data: { field: 'operations' } });
    if (parts.length === 0) cell.textContent = '–';
    parts.forEach((part, i) => { if (i > 0) cell.append(' · '); cell.append(part); });
    return cell;
  }

  const EVENT_TONES = {
    'member-up': 'ok', 'member-reachable': 'ok', 'unit-connected': 'ok',
    'member-left': 'warn', 'unit-superseded': 'warn', 'unit-disconnected': 'bad',
    'unit-delivery-mismatch': 'bad', 'unit-resynced': 'warn',
    'member-removed': 'bad', 'member-unreachable': 'bad',
  };

  /** The console's own notes (stream up or down) in the same log, told apart from gateway events. */
  const logConsole = (text) => logEvent({ type: 'console', at: new Date().toISOString(), detail: text });

  function logEvent(event) {
    const log = $('event-log');
    log.querySelector('.empty')?.remove();
    const subject = event.unitId ? `unit ${event.unitId}` : event.address ? shortAddress(event.address) : '';
    const where = event.node && event.unitId ? ` on ${shortAddress(event.node)}` : '';
    const text = [`${subject}${where}`, event.detail].filter(Boolean).join(' · ');
    log.prepend(el('li', { data: { type: event.type } }, [
      el('span', { className: 'at', text: clock(event.at) }),
      el('span', { className: 'type', text: event.type, data: { tone: EVENT_TONES[event.type] || '' } }),
      el('span', { className: 'what', text, title: text }),
    ]));
    while (log.children.length > MAX_EVENTS) log.lastElementChild.remove();
    if (event.type === 'console') return;
    session.eventCount += 1;
    $('events-count').textContent = `${session.eventCount} since sign-in${session.eventCount > MAX_EVENTS ? `, last ${MAX_EVENTS} shown` : ''}`;
  }

  // ---------- charts (inline SVG drawn here: no library, nothing from another origin) ----------

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const CHART_WINDOW_MS = 10 * 60 * 1000; // the ops API keeps ten minutes of 5-second points
  const CHART_MIN_WINDOW_MS = 2 * 60 * 1000;
  const CHART_HEIGHT = 130;
  const milliseconds = (value) => (value === null || value === undefined ? '–' : value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en'));

  /** Which fields of a history point each chart draws; series names match the CSS colours and the legend. */
  const CHARTS = [
    { id: 'chart-traffic', format: rate, series: [['reads', (p) => p.readsPerSecond], ['writes', (p) => p.writesPerSecond]] },
    { id: 'chart-latency', format: milliseconds, series: [['p99', (p) => p.readP99Ms]] },
    { id: 'chart-backlog', format: count, area: true, series: [['backlog', (p) => p.backlog]] },
    { id: 'chart-sessions', format: rate, series: [['attaches', (p) => p.attachesPerMinute], ['detaches', (p) => p.detachesPerMinute]] },
  ];

  function svg(tag, attributes = {}, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** The smallest 1, 2, 2.5 or 5 times a power of ten at or above the value: a y-axis top that reads well. */
  function niceCeiling(value) {
    if (!(value > 0)) return 1;
    const power = 10 ** Math.floor(Math.log10(value));
    return [1, 2, 2.5, 5, 10].map((m) => m * power).find((top) => top >= value * 1.0001) ?? 10 * power;
  }

  const axisNumber = (value) => (value >= 10_000 ? `${+(value / 1000).toFixed(1)}k` : String(+value.toFixed(2)));

  /**
   * One chart: the last minutes (up to ten) ending at the newest point, one line per series (a missing value, such as
   * no p99 without reads, leaves a gap rather than a fake zero). Each line carries data-points (values drawn)
   * and data-max, which the browser tests read.
   */
  function drawChart(spec, points) {
    const figure = $(spec.id);
    const plot = figure.querySelector('svg.plot');
    const width = Math.max(200, Math.round(plot.getBoundingClientRect().width) || 320);
    const height = CHART_HEIGHT;
    const box = { left: 36, right: 8, top: 8, bottom: 18 };
    plot.setAttribute('viewBox', `0 0 ${width} ${height}`);

    // The window grows with the history (at least two minutes, at most ten) so a young gateway's first minutes are legible.
    const end = points.length ? new Date(points[points.length - 1].at).getTime() : Date.now();
    const first = points.length ? new Date(points[0].at).getTime() : end;
    const minutes = Math.min(CHART_WINDOW_MS / 60_000, Math.max(CHART_MIN_WINDOW_MS / 60_000, Math.ceil((end - first) / 60_000)));
    const windowMs = minutes * 60_000;
    const start = end - windowMs;
    const shown = points.filter((p) => new Date(p.at).getTime() >= start);
    const series = spec.series.map(([name, pick]) => ({
      name,
      values: shown.map((p) => ({ t: new Date(p.at).getTime(), v: pick(p) })).filter((s) => s.v !== null && s.v !== undefined && Number.isFinite(s.v)),
    }));
    const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v.v)));
    const top = niceCeiling(max);
    const x = (t) => box.left + ((t - start) / windowMs) * (width - box.left - box.right);
    const y = (v) => box.top + (1 - v / top) * (height - box.top - box.bottom);

    const parts = [];
    for (const fraction of [0, 0.5, 1]) {
      const value = top * fraction;
      parts.push(svg('line', { class: 'grid-line', x1: box.left, x2: width - box.right, y1: y(value), y2: y(value) }));
      parts.push(svg('text', { class: 'axis-label', x: box.left - 5, y: y(value) + 3, 'text-anchor': 'end' }, axisNumber(value)));
    }
    for (const [minutesAgo, anchor] of [[minutes, 'start'], [minutes / 2, 'middle'], [0, 'end']]) {
      parts.push(svg('text', { class: 'axis-label', x: x(end - minutesAgo * 60_000), y: height - 4, 'text-anchor': anchor }, minutesAgo ? `-${+minutesAgo.toFixed(1)} min` : 'now'));
    }

    const interval = 5_000 * 1.5; // a missing point (a gap longer than one interval) breaks the line
    for (const s of series) {
      let d = '';
      let previous = null;
      for (const { t, v } of s.values) {
        d += `${previous !== null && t - previous <= interval ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
        previous = t;
      }
      if (spec.area && s.values.length > 1) {
        const first = s.values[0], last = s.values[s.values.length - 1];
        parts.push(svg('path', { class: 'area', 'data-series': s.name, d: `${d.replace(/M/g, 'L').replace(/^L/, 'M')}L${x(last.t).toFixed(1)},${y(0)}L${x(first.t).toFixed(1)},${y(0)}Z` }));
      }
      const maxValue = Math.max(0, ...s.values.map((v) => v.v));
      parts.push(svg('path', { class: 'series', 'data-series': s.name, 'data-points': s.values.length, 'data-max': maxValue, d: d || 'M0,0' }));
      // A point joined to neither neighbour (the first one, or one after a gap) is a dot, and the newest point is marked.
      s.values.forEach(({ t, v }, i) => {
        const joinedBefore = i > 0 && t - s.values[i - 1].t <= interval;
        const joinedAfter = i < s.values.length - 1 && s.values[i + 1].t - t <= interval;
        if ((!joinedBefore && !joinedAfter) || i === s.values.length - 1) {
          parts.push(svg('circle', { class: 'dot', 'data-series': s.name, cx: x(t).toFixed(1), cy: y(v).toFixed(1), r: 2.5 }));
        }
      });
      const key = figure.querySelector(`.legend .key[data-series="${s.name}"]`);
      if (key) {
        const now = key.querySelector('.now') || key.appendChild(el('span', { className: 'now' }));
        now.textContent = s.values.length ? spec.format(s.values[s.values.length - 1].v) : '–';
      }
    }
    if (shown.length === 0) {
      parts.push(svg('text', { class: 'empty-note', x: (box.left + width - box.right) / 2, y: height / 2, 'text-anchor': 'middle' }, 'Collecting: a point every 5 s'));
    }
    plot.dataset.points = String(shown.length);
    plot.replaceChildren(...parts);
  }

  function renderCharts() {
    const points = (session && session.history && session.history.points) || [];
    for (const spec of CHARTS) drawChart(spec, points);
  }

  // ---------- refresh loop ----------

  async function refresh() {
    const current = session;
    if (!current) return;
    const signal = current.abort.signal;
    const [cluster, regions, units, history] = await Promise.allSettled([
      api('/cluster', current), api('/sharding/regions', current), api('/units', current), api('/metrics/history', current),
    ]);
    if (session !== current) return;
    const failures = [cluster, regions, units, history].filter((r) => r.status === 'rejected').map((r) => r.reason);
    const auth = failures.find((f) => f instanceof AuthError);
    if (auth) return authFailed(auth.status);
    if (signal.aborted) return;

    if (cluster.status === 'fulfilled') renderMembers(cluster.value);
    if (regions.status === 'fulfilled') renderRegions(regions.value);
    if (units.status === 'fulfilled') {
      session.units = units.value;
      sampleThroughput(units.value);
      renderUnits();
    }
    if (history.status === 'fulfilled') {
      session.history = history.value;
      renderCharts();
    }
    if (failures.length === 0) {
      showMessage($('console-message'), null, '');
      $('updated-at').textContent = clock(new Date());
    } else {
      const f = failures[0];
      const text = f instanceof ApiError && f.status === 404 && f.path === '/cluster'
        ? 'The ops API is not available on this gateway (404 at /api/v1/ops/cluster).'
        : `Could not refresh${f.path ? ' ' + f.path : ''}: ${f.message}. Retrying every ${REFRESH_MS / 1000} s.`;
      showMessage($('console-message'), 'warn', text);
    }
  }

  /** One refresh at a time (a slow answer must not overwrite a newer one); an event during one asks for another. */
  function scheduleRefresh(delay) {
    const current = session;
    if (!current) return;
    clearTimeout(current.timer);
    current.timer = setTimeout(async () => {
      // A background tab keeps its event stream but stops polling; it catches up when shown again.
      if (document.hidden) { scheduleRefresh(REFRESH_MS); return; }
      if (current.refreshing) { current.again = true; return; }
      current.refreshing = true;
      current.again = false;
      try { await refresh(); } catch { /* aborted */ }
      current.refreshing = false;
      if (session === current && !current.abort.signal.aborted) scheduleRefresh(current.again ? 0 : REFRESH_MS);
    }, delay);
  }

  // ---------- live events (server-sent events over fetch) ----------

  function parseEventStream(onEvent) {
    let buffer = '';
    let type = '';
    let data = [];
    return (chunk) => {
      buffer += chunk;
      // A trailing '\r' may be the first half of '\r\n': keep it for the next chunk.
      const lines = buffer.split(/\r\n|\n|\r(?!$)/);
      buffer = lines.pop();
      for (const line of lines) {
        if (line === '') {
          if (data.length) onEvent(type || 'message', data.join('\n'));
          type = '';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') type = value;
          else if (field === 'data') data.push(value);
        }
      }
    };
  }

  async function streamEvents(current) {
    const signal = current.abort.signal;
    let retry = STREAM_RETRY_MIN_MS;
    while (!signal.aborted) {
      try {
        const response = await fetch(API + '/events', {
          headers: { Authorization: `Bearer ${current.token}`, Accept: 'text/event-stream' },
          cache: 'no-store',
          signal,
        });
        if (response.status === 401 || response.status === 403) {
          if (session === current) authFailed(response.status);
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        setLive('live', 'live');
        logConsole('event stream connected');
        retry = STREAM_RETRY_MIN_MS;
        const feed = parseEventStream((type, json) => {
          let event;
          try { event = JSON.parse(json); } catch { return; }
          event.type = event.type || type;
          logEvent(event);
          // The lists catch up with the event at once rather than at the next tick.
          scheduleRefresh(150);
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          feed(value);
        }
        throw new Error('stream ended');
      } catch (error) {
        if (signal.aborted) return;
        setLive('connecting', `reconnecting in ${Math.round(retry / 1000)} s`);
        logConsole(`event stream lost (${error.message}); reconnecting in ${Math.round(retry / 1000)} s`);
        await new Promise((resolve) => setTimeout(resolve, retry));
        retry = Math.min(retry * 2, STREAM_RETRY_MAX_MS);
      }
    }
  }

  // ---------- session ----------

  function start(token) {
    if (session) session.abort.abort();
    session = { token, abort: new AbortController(), timer: 0, sample: null, rates: new Map(), units: [], history: null, eventCount: 0, refreshing: false, again: false };
    $('event-log').replaceChildren(el('li', { className: 'empty', text: 'Waiting for cluster and unit events…' }));
    $('events-count').textContent = '';
    setLive('connecting', 'connecting');
    showConsole();
    scheduleRefresh(0);
    streamEvents(session);
  }

  function init() {
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = $('token-input').value.trim().replace(/^Bearer\s+/i, '');
      if (token.split('.').length !== 3) {
        showMessage($('login-message'), 'error', 'That is not a JWT: expected three dot-separated parts.', 'malformed');
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, token);
      start(token);
    });
    $('sign-out').addEventListener('click', () => signOut('info', 'Signed out. The token was removed from this tab.'));
    $('unit-filter').addEventListener('input', () => session && renderUnits());
    $('offline-only').addEventListener('change', () => session && renderUnits());
    document.addEventListener('visibilitychange', () => { if (session && !document.hidden) scheduleRefresh(0); });
    window.addEventListener('resize', () => session && session.history && renderCharts());

    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) start(saved); else showLogin();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
