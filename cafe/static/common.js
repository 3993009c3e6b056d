/* Helpers shared by every screen: strings, socket connection, countdown, DOM building.
   User text only ever reaches the page through textContent (see el()). */
'use strict';

window.Cafe = (function () {
  // Stage and round status names, as cafe/domain/cafe.py and timer.py define them
  const STAGE = Object.freeze({ ROUNDS: 'rounds', HARVEST: 'harvest' });
  const STATUS = Object.freeze({ READY: 'ready', RUNNING: 'running', PAUSED: 'paused', ENDED: 'ended' });

  function strings() {
    const node = document.getElementById('strings');
    return node ? JSON.parse(node.textContent) : {};
  }

  function pageData() {
    const node = document.getElementById('page-data');
    return node ? JSON.parse(node.textContent) : {};
  }

  /* el('li', {class: 'x', 'data-id': 3}, 'text', childNode) */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    // Text may be anyone's (an Arabic insight on an English wall): let each element take its own direction.
    if (!node.hasAttribute('dir') && (('text' in (attrs || {})) || children.some((c) => typeof c === 'string'))) node.dir = 'auto';
    return node;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function formatSeconds(total) {
    const sign = total < 0 ? '-' : '';
    const s = Math.abs(Math.round(total));
    const m = Math.floor(s / 60);
    return `${sign}${m}:${String(s % 60).padStart(2, '0')}`;
  }

  /* The server sends remaining_s measured at the moment it answered; we count from the moment we
     received it, so a phone with a wrong clock still shows the right time. */
  class Countdown {
    constructor(onTick) {
      this.onTick = onTick;
      this.cafe = null;
      this.receivedAt = 0;
      this.timer = setInterval(() => this.tick(), 1000);
    }
    update(cafe) {
      this.cafe = cafe;
      this.receivedAt = performance.now();
      this.tick();
    }
    remaining() {
      if (!this.cafe) return null;
      if (this.cafe.status === STATUS.RUNNING) {
        return this.cafe.remaining_s - (performance.now() - this.receivedAt) / 1000;
      }
      return this.cafe.remaining_s;
    }
    tick() {
      if (this.cafe) this.onTick(this.remaining(), this.cafe);
    }
  }

  /* Connects with the given auth and renders every state. The server pushes each change as a
     small numbered delta (`stream`, `v`, docs/protocol.md "Versions and catch-up"): a delta already
     in the state is dropped, one that skips a number is applied and the state read again, once.
     `cafe_changed` (and, on a screen without its own handler, `cafe_updated`) means "read your
     state again". `options.minSyncGapMs` spaces those reads (the dashboard: a burst of changes is
     one read a second, not one each); a read that times out is tried again with backoff. */
  function connect(auth, handlers, options) {
    const s = strings();
    const opts = options || {};
    const socket = io({ auth, transports: ['websocket', 'polling'], reconnectionDelayMax: 5000 });
    const status = document.querySelector('[data-connection]');
    let versions = {};
    function show(state, text) {
      if (!status) return;
      status.dataset.state = state;
      status.textContent = text;
    }
    // Several changes in a row need one sync in flight and at most one after it, not one each:
    // the server limits how often a connection may sync.
    let syncing = false;
    let again = false;
    let syncLater = null;
    let lastSync = 0;
    let backoff = 1000;
    function later(ms) {
      syncLater = setTimeout(() => { syncLater = null; sync(); }, ms);
    }
    function sync() {
      if (syncing || syncLater) { again = true; return; }
      const wait = lastSync + (opts.minSyncGapMs || 0) - Date.now();
      if (wait > 0) { later(wait); return; }
      syncing = true;
      again = false;
      lastSync = Date.now();
      socket.timeout(10000).emit('sync', { versions }, (err, reply) => {
        syncing = false;
        if (err) {
          // no answer (a dropped Wi-Fi, a busy server): ask again, later each time, spread out
          later(backoff + Math.random() * 1000);
          backoff = Math.min(backoff * 2, 30000);
          return;
        }
        backoff = 1000;
        if (reply && reply.ok && reply.state) takeState(reply.state);
        if (reply && reply.error === 'rate_limited') {
          // asked too often: ask once more when the server allows it
          later(Math.max(1, Number(reply.retry_after) || 2) * 1000);
        } else if (again) {
          sync();
        }
      });
    }
    function takeState(state) {
      versions = Object.assign({}, state.versions || {});
      handlers.state(state);
    }
    /* A delta in order is applied; one already in the state is dropped; a gap is applied and
       healed with one read of the state. Events without a number are applied as they come. */
    function numbered(fn) {
      return (payload) => {
        if (payload && typeof payload.stream === 'string' && typeof payload.v === 'number') {
          const known = versions[payload.stream];
          if (known !== undefined && payload.v <= known) return;
          const gap = known !== undefined && payload.v > known + 1;
          versions[payload.stream] = payload.v;
          fn(payload);
          if (gap) sync();
          return;
        }
        fn(payload);
      };
    }
    socket.on('connect', () => show('online', s.connected || 'Connected'));
    socket.on('disconnect', () => show('offline', s.reconnecting || 'Reconnecting…'));
    socket.on('connect_error', (err) => {
      // socket.active stays true for network trouble (it keeps retrying); false when the server refused us.
      if (socket.active) {
        show('offline', s.reconnecting || 'Reconnecting…');
      } else {
        show('offline', (err && err.message) || s.refused || 'The server refused the connection.');
        if (handlers.refused) handlers.refused(err && err.message);
      }
    });
    socket.on('state', takeState);
    const own = Object.assign({}, handlers);
    for (const name of ['cafe_changed', 'cafe_updated', 'table_updated', 'itinerary_changed']) {
      if (!own[name]) own[name] = () => sync();
    }
    for (const [name, fn] of Object.entries(own)) {
      if (name === 'connect') socket.on(name, fn);
      else if (!['state', 'refused'].includes(name)) socket.on(name, numbered(fn));
    }
    /* Emit with an acknowledgement; callback(reply) always gets {ok, ...}. */
    function send(event, payload, callback) {
      socket.timeout(10000).emit(event, payload || {}, (err, reply) => {
        if (err) reply = { ok: false, error: 'timeout', message: s.timeout || 'No answer from the server. Try again.' };
        if (callback) callback(reply);
      });
    }
    return { socket, send, sync };
  }

  function announce(text) {
    const region = document.getElementById('announcer');
    if (!region) return;
    region.textContent = '';
    setTimeout(() => { region.textContent = text; }, 50);
  }

  /* New insights as one polite summary at most every `everyMs` (first after a short gather), so a
     screen reader hears "5 new insights: Table A 3, Table B 2" instead of every single one.
     `render(counts)` gets a Map key -> count of what arrived since the last summary. */
  function summary(regionId, render, everyMs) {
    let counts = new Map();
    let timer = null;
    let last = 0;
    function flush() {
      timer = null;
      const region = document.getElementById(regionId);
      if (region && counts.size) region.textContent = render(counts);
      counts = new Map();
      last = Date.now();
    }
    return function note(key, detail) {
      const seen = counts.get(key);
      counts.set(key, { n: (seen ? seen.n : 0) + 1, detail });
      if (!timer) timer = setTimeout(flush, Math.max(1500, last + everyMs - Date.now()));
    };
  }

  /* A translated string with its {placeholders} filled in ("Table {label}" -> "Table C"); a
     placeholder with no value is left as it is. */
  function fill(text, values) {
    return String(text || '').replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m));
  }

  /* A list kept in localStorage across reloads and dropped connections; where the browser refuses
     storage (private mode) it lives in memory only. */
  function storedList(key) {
    return {
      read() { try { return JSON.parse(localStorage.getItem(key)) || []; } catch (e) { return []; } },
      write(list) { try { localStorage.setItem(key, JSON.stringify(list)); } catch (e) { /* memory only */ } },
    };
  }

  return { STAGE, STATUS, strings, pageData, el, uuid, formatSeconds, Countdown, connect, announce, storedList, fill, summary };
})();
