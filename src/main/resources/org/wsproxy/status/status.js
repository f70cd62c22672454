// The wsproxy status page: polls data.json every second and redraws. Every value from the server
// goes into the page with textContent, never as markup: close reasons, client addresses and paths
// come from the network.
'use strict';
(function () {
  const POLL_MS = 1000;
  /** Samples kept for the charts: one per poll, so about the last minute. */
  const HISTORY = 60;
  const base = document.body.dataset.base;
  const samples = [];
  let previous = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function cell(row, text, className) {
    const td = el('td', className, text);
    row.appendChild(td);
    return td;
  }

  function bytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let v = n;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[i];
  }

  function count(n) {
    return n.toLocaleString('en-US');
  }

  function age(ms) {
    if (ms < 10000) return (ms / 1000).toFixed(1) + 's';
    const s = Math.floor(ms / 1000);
    if (s < 60) return s + 's';
    const m = Math.floor(s / 60);
    if (m < 60) return m + 'm ' + String(s % 60).padStart(2, '0') + 's';
    const h = Math.floor(m / 60);
    if (h < 48) return h + 'h ' + String(m % 60).padStart(2, '0') + 'm';
    return Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
  }

  /** A backend's last failure: the server's "<ISO instant> <why>", with the instant as a local time. */
  function failure(text) {
    const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (.*)$/s.exec(text);
    const at = m ? Date.parse(m[1]) : NaN;
    return isNaN(at) ? text : time(at) + ' ' + m[2];
  }

  function closeCell(row, code, reason) {
    const td = cell(row, '');
    td.appendChild(el('span', 'mono', code));
    if (reason) {
      td.appendChild(document.createTextNode(' '));
      td.appendChild(el('span', 'reason', reason));
    }
  }

  function fillBody(table, rows, empty, columns) {
    const body = table.tBodies[0];
    const fresh = document.createElement('tbody');
    if (rows.length === 0) {
      const tr = el('tr', 'empty');
      const td = el('td', null, empty);
      td.colSpan = columns;
      tr.appendChild(td);
      fresh.appendChild(tr);
    }
    rows.forEach(r => fresh.appendChild(r));
    table.replaceChild(fresh, body);
  }

  function renderRoutes(routes) {
    const holder = document.getElementById('routes');
    const fresh = document.createDocumentFragment();
    for (const route of routes) {
      const card = el('div', 'route');
      card.dataset.route = route.name;
      const head = el('div', 'route-head');
      head.appendChild(el('span', 'route-name', route.name));
      head.appendChild(el('code', null, route.path));
      head.appendChild(el('span', 'route-meta', 'engine ' + route.engine));
      head.appendChild(el('span', 'route-meta', 'balance ' + route.balance));
      // 101 is a connection that opened; any other status is the refusal the client got.
      const shakes = Object.entries(route.handshakes)
        .map(([status, n]) => status === '101' ? count(n) + ' opened' : count(n) + ' × ' + status).join(', ');
      head.appendChild(el('span', 'route-meta', 'handshakes: ' + (shakes || 'none yet')));
      if (route.http === 'proxy') {
        // Proxied HTTP requests by the status the client got (0: it went away first).
        const requests = Object.entries(route.httpRequests)
          .map(([status, n]) => count(n) + ' × ' + (status === '0' ? 'gone' : status)).join(', ');
        head.appendChild(el('span', 'route-meta', 'HTTP requests: ' + (requests || 'none yet')));
      }
      card.appendChild(head);
      const table = el('table', 'backends');
      const headRow = el('tr');
      ['Backend', 'State', 'Open', 'Failures', 'Last failure', 'In msgs', 'In bytes', 'Out msgs', 'Out bytes'].forEach((t, i) =>
        headRow.appendChild(el('th', i === 0 || i === 1 || i === 4 ? null : 'num', t)));
      table.appendChild(el('thead')).appendChild(headRow);
      const body = table.appendChild(el('tbody'));
      for (const b of route.backends) {
        const tr = el('tr');
        tr.dataset.backend = b.uri;
        cell(tr, b.uri, 'mono');
        cell(tr, '').appendChild(el('span', 'badge ' + (b.up ? 'up' : 'down'), b.up ? 'up' : 'down'));
        cell(tr, count(b.open), 'num');
        cell(tr, count(b.failures), 'num');
        cell(tr, b.lastFailure ? failure(b.lastFailure) : '–', b.lastFailure ? 'failure' : 'light');
        cell(tr, count(b.inMessages), 'num');
        cell(tr, bytes(b.inBytes), 'num');
        cell(tr, count(b.outMessages), 'num');
        cell(tr, bytes(b.outBytes), 'num');
        body.appendChild(tr);
      }
      card.appendChild(table);
      fresh.appendChild(card);
    }
    if (routes.length === 0) fresh.appendChild(el('p', 'light', 'No routes are configured.'));
    holder.replaceChildren(fresh);
  }

  function renderConnections(data) {
    const rows = data.connections.map(c => {
      const tr = el('tr');
      tr.dataset.id = c.id;
      cell(tr, c.client, 'mono');
      cell(tr, c.route);
      cell(tr, c.backend, 'mono');
      cell(tr, '').appendChild(el('span', 'badge state', c.state.toLowerCase()));
      cell(tr, age(c.ageMs), 'num');
      cell(tr, count(c.inMessages), 'num');
      cell(tr, bytes(c.inBytes), 'num');
      cell(tr, count(c.outMessages), 'num');
      cell(tr, bytes(c.outBytes), 'num');
      return tr;
    });
    fillBody(document.getElementById('connections'), rows, 'No open connections.', 9);
    const more = data.openConnections - data.connections.length;
    document.getElementById('connections-note').textContent =
      more > 0 ? '· newest ' + data.connections.length + ' shown, ' + count(more) + ' more' : '';
  }

  function renderCloses(data) {
    const rows = data.closes.map(c => {
      const tr = el('tr');
      cell(tr, time(c.ended), 'mono');
      cell(tr, c.route);
      cell(tr, c.client, 'mono');
      cell(tr, c.backend, 'mono');
      cell(tr, age(c.durationMs), 'num');
      closeCell(tr, c.clientCode, c.clientReason);
      closeCell(tr, c.backendCode, c.backendReason);
      cell(tr, c.closedFirst);
      cell(tr, count(c.inMessages) + ' / ' + count(c.outMessages), 'num');
      return tr;
    });
    fillBody(document.getElementById('closes'), rows, 'No connection has closed yet.', 9);
    document.getElementById('closes-note').textContent =
      data.closesTotal > data.closes.length ? '· last ' + data.closes.length + ' of ' + count(data.closesTotal) : '';
  }

  /** Draws one series as a line over a light fill, the y axis from 0 to a round maximum. */
  function chart(canvas, values, color, unit, whole) {
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || canvas.width;
    const h = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(w * ratio)) { canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio); }
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    const left = 44, right = 8, top = 8, bottom = 18;
    const pw = w - left - right, ph = h - top - bottom;
    const max = axisTop(Math.max(1, ...values), whole);
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#6b7785';
    g.strokeStyle = '#e3e8ee';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const y = top + ph - ph * i / 4;
      g.beginPath(); g.moveTo(left, Math.round(y) + .5); g.lineTo(left + pw, Math.round(y) + .5); g.stroke();
      g.fillText(label(max * i / 4), left - 6, y);
    }
    g.textBaseline = 'alphabetic';
    g.textAlign = 'left';
    g.fillText('−60 s', left, h - 4);
    g.textAlign = 'right';
    g.fillText('now ' + label(values.length ? values[values.length - 1] : 0) + unit, left + pw, h - 4);
    if (values.length === 0) return;
    const x = i => left + pw - (values.length - 1 - i) * pw / (HISTORY - 1);
    const y = v => top + ph - ph * v / max;
    g.beginPath();
    values.forEach((v, i) => i === 0 ? g.moveTo(x(i), y(v)) : g.lineTo(x(i), y(v)));
    g.strokeStyle = color;
    g.lineWidth = 2;
    g.stroke();
    g.lineTo(x(values.length - 1), top + ph);
    g.lineTo(x(0), top + ph);
    g.closePath();
    g.globalAlpha = 0.12;
    g.fillStyle = color;
    g.fill();
    g.globalAlpha = 1;
    // The latest value, marked so that it shows even before there is a line.
    g.beginPath();
    g.arc(x(values.length - 1), y(values[values.length - 1]), 3.5, 0, 2 * Math.PI);
    g.fill();
  }

  /** The top of the y axis: four steps of 1, 2, 2.5 or 5 times a power of ten (whole steps for whole series). */
  function axisTop(v, whole) {
    const raw = v / 4;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const steps = whole ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
    let step = steps.map(m => m * p).find(s => s >= raw) || 10 * p;
    if (whole) step = Math.max(1, Math.ceil(step));
    return step * 4;
  }

  function label(v) {
    if (v >= 1e6) return (v / 1e6).toFixed(1) + 'M';
    if (v >= 1e4) return (v / 1e3).toFixed(0) + 'k';
    return Number.isInteger(v) ? String(v) : v.toFixed(1);
  }

  function render(data) {
    const messages = data.totals.inMessages + data.totals.outMessages;
    let rate = null;
    if (previous && data.now > previous.now) {
      rate = Math.max(0, (messages - previous.messages) * 1000 / (data.now - previous.now));
    }
    previous = { now: data.now, messages: messages };
    samples.push({ open: data.openConnections, rate: rate === null ? 0 : rate });
    if (samples.length > HISTORY) samples.shift();

    document.getElementById('open-count').textContent = count(data.openConnections);
    document.getElementById('rate').textContent = rate === null ? '–' : label(Math.round(rate * 10) / 10);
    const backends = data.routes.flatMap(r => r.backends);
    document.getElementById('backends-up').textContent = backends.filter(b => b.up).length + ' / ' + backends.length;
    document.getElementById('closes-total').textContent = count(data.closesTotal);
    renderRoutes(data.routes);
    renderConnections(data);
    renderCloses(data);
    chart(document.getElementById('chart-connections'), samples.map(s => s.open), '#2563eb', '', true);
    chart(document.getElementById('chart-messages'), samples.map(s => s.rate), '#0d9488', '/s', false);
  }

  function status(live, text) {
    const box = document.getElementById('updated');
    box.className = 'updated ' + (live ? 'live' : 'offline');
    document.getElementById('updated-text').textContent = text;
  }

  async function poll() {
    try {
      const response = await fetch(base + '/data.json', { cache: 'no-store', credentials: 'same-origin' });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const data = await response.json();
      render(data);
      status(true, 'live · updated ' + time(data.now));
      // How many answers the page has shown: lets a test (or a curious user) see it refresh.
      document.body.dataset.updates = String(Number(document.body.dataset.updates) + 1);
    } catch (e) {
      status(false, 'not updating: ' + e.message);
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
