/* Facilitator dashboard: round controls, nudges, tables, people, harvest.
   Renders every `state` in full; insights and hand-overs arrive one by one in between.
   User text only ever reaches the page through textContent (Cafe.el). */
'use strict';

(function () {
  const S = Cafe.strings();
  const page = Cafe.pageData();
  const el = Cafe.el;
  const { STAGE, STATUS } = Cafe;
  const $ = (id) => document.getElementById(id);

  let state = null;
  let previous = null;            // {round, status, stage} of the last rendered state
  const insights = new Map();     // id -> insight, deduplicated across states and events
  let handovers = [];
  let warned = {};                // timer announcements already made for this round
  let syncTimer = null;

  const fmt = Cafe.fill;
  function personName(p) {
    return p.name || fmt(S.anonymous_n, { id: p.id });
  }
  function hostName(host) {
    if (!host) return null;
    return typeof host === 'string' ? host : personName(host);
  }
  function perspective(key) {
    return (key && S.perspectives[key]) || S.not_given;
  }
  function tableLabel(number) {
    const t = state && state.tables.find((x) => x.number === number);
    return t ? t.label : String(number);
  }
  function clock(iso) {
    return iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
  }

  /* ---- messages ---- */
  function showError(message) {
    const box = $('errors');
    box.replaceChildren(el('p', {}, message));
  }
  function clearError() { $('errors').replaceChildren(); }

  const RESYNC_ON = ['next_round', 'harvest_started'];
  const conn = Cafe.connect({ role: 'facilitator', host_token: page.host_token }, {
    state: render,
    insight_posted: onInsight,
    insight_resonated: onResonated,
    handover_submitted: onHandover,
    nudged: showNudge,
    // a clock change is drawn from the delta; a new round or the harvest changes the tables too: read them
    cafe_updated: (update) => {
      if (state) render({ ...state, cafe: { ...state.cafe, ...update.cafe }, insights: [...insights.values()], handovers });
      if (RESYNC_ON.includes(update.reason)) conn.sync();
    },
    refused: () => showError(S.refused),
  }, { minSyncGapMs: 1000 });   // a burst of changes (500 people joining) is one read a second

  /* Emits one event; while it waits the button is marked busy (not disabled, so it keeps focus)
     and further presses are ignored, which matters on slow venue Wi-Fi. */
  function send(event, payload, button, onOk) {
    if (button && button.getAttribute('aria-busy') === 'true') return;
    if (button) button.setAttribute('aria-busy', 'true');
    conn.send(event, payload, (reply) => {
      if (button) button.removeAttribute('aria-busy');
      if (reply && reply.ok) {
        clearError();
        if (onOk) onOk(reply);
        conn.sync();   // the broadcast may be lost on venue Wi-Fi; ask for the state anyway
      } else {
        showError((reply && reply.message) || S.timeout);
        if (state) renderRound(state.cafe);
      }
    });
  }

  /* ---- exports: one switch names nobody in every export (the server does the work) ---- */
  $('anonymise-exports').addEventListener('change', (event) => {
    for (const link of document.querySelectorAll('a[data-export]')) {
      const url = new URL(link.href, window.location.href);
      if (event.target.checked) url.searchParams.set('anonymise', '1'); else url.searchParams.delete('anonymise');
      link.href = url.pathname + url.search;
    }
  });

  /* ---- full state ---- */
  function render(next) {
    state = next;
    insights.clear();
    for (const i of next.insights || []) insights.set(i.id, i);
    handovers = (next.handovers || []).slice();
    announceChange(next.cafe);
    renderRound(next.cafe);
    renderMoves();
    renderTables();
    renderHandovers();
    renderPeople();
    renderJoining(next.cafe.joining);
    renderHarvest(next.harvest);
    if (next.cafe.last_nudge) showNudge(next.cafe.last_nudge, true);
    countdown.update(next.cafe);
    clearInterval(syncTimer);
    // quiet flags are worked out on the server; refresh them (and heal missed events) now and then
    if (next.cafe.status === STATUS.RUNNING) syncTimer = setInterval(conn.sync, 30000);
  }

  function announceChange(cafe) {
    const now = { round: cafe.round, status: cafe.status, stage: cafe.stage };
    const was = previous;
    previous = now;
    if (!was || (was.round === now.round && was.status === now.status && was.stage === now.stage)) return;
    if (was.round !== now.round) warned = {};
    const n = { n: cafe.round };
    let text = null;
    if (now.stage === STAGE.HARVEST && was.stage !== STAGE.HARVEST) text = S.harvest_started;
    else if (was.round !== now.round && now.status === STATUS.READY) text = fmt(S.round_ready, n);
    else if (now.status === STATUS.RUNNING) text = fmt(was.status === STATUS.PAUSED ? S.round_resumed : S.round_started, n);
    else if (now.status === STATUS.PAUSED) text = fmt(S.round_paused, n);
    else if (now.status === STATUS.ENDED) text = fmt(S.round_ended, n);
    if (text) Cafe.announce(text);
  }

  /* ---- round panel ---- */
  const countdown = new Cafe.Countdown((remaining, cafe) => {
    const timer = $('timer');
    const over = remaining < 0;
    timer.classList.toggle('overtime', over);
    timer.textContent = over ? fmt(S.overtime, { time: Cafe.formatSeconds(-remaining) }) : Cafe.formatSeconds(remaining);
    if (cafe.status !== STATUS.RUNNING || cafe.stage === STAGE.HARVEST) return;
    if (remaining <= 120 && remaining > 0 && !warned.two && cafe.duration_s > 120) {
      warned.two = true;
      Cafe.announce(fmt(S.two_minutes, { n: cafe.round }));
    }
    if (remaining <= 0 && !warned.up) {
      warned.up = true;
      Cafe.announce(fmt(S.time_up, { n: cafe.round }));
    }
  });

  function renderRound(cafe) {
    const harvest = cafe.stage === STAGE.HARVEST;
    const last = cafe.round >= cafe.rounds;
    const st = cafe.status;
    $('round-title').textContent = fmt(S.round_of, { n: cafe.round, m: cafe.rounds });
    $('round-status').textContent = harvest ? S.stage_harvest : S['status_' + st];
    $('round-status').dataset.status = harvest ? STAGE.HARVEST : st;
    const enabled = {
      start_round: st === STATUS.READY,
      pause_round: st === STATUS.RUNNING,
      resume_round: st === STATUS.PAUSED,
      extend_round: st === STATUS.RUNNING || st === STATUS.PAUSED,
      end_round: st === STATUS.RUNNING || st === STATUS.PAUSED,
      next_round: !last && st !== STATUS.READY,
      start_harvest: last && st !== STATUS.READY,
    };
    // the one step a first-time facilitator most likely wants next is the only filled button
    const primary = { ready: 'start_round', running: 'end_round', paused: 'resume_round',
      ended: last ? 'start_harvest' : 'next_round' }[st];
    const panel = document.querySelector('.round-buttons');
    const focused = panel.contains(document.activeElement) ? document.activeElement : null;
    panel.hidden = harvest;
    $('timer').hidden = harvest;
    for (const button of panel.querySelectorAll('button')) {
      const action = button.dataset.action;
      // a button that cannot be used now is left out rather than greyed, so the choice is plain
      button.hidden = harvest || !enabled[action];
      button.disabled = harvest || !enabled[action];
      button.classList.toggle('secondary', action !== primary);
    }
    renderNextStep(cafe, harvest, last);
    // a keyboard user whose button just became disabled should not be dropped back to the page top
    if (focused && (focused.disabled || focused.hidden)) {
      const first = panel.querySelector('button:not([disabled]):not([hidden])');
      (harvest ? $('harvest-heading') : first || $('round-heading')).focus();
    }
  }

  /* A sentence under the buttons says what to do next, in the words of the buttons themselves. */
  function renderNextStep(cafe, harvest, last) {
    const box = $('round-next');
    if (harvest) {
      box.replaceChildren(S.next_harvest, ' ', el('a', { href: '#exports-heading' }, S.go_exports));
    } else {
      box.replaceChildren(cafe.status === STATUS.ENDED && last ? S.next_ended_last : S['next_' + cafe.status] || '');
    }
    box.dataset.status = harvest ? STAGE.HARVEST : cafe.status;
  }

  document.querySelector('.round-buttons').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button || !state) return;
    const action = button.dataset.action;
    const cafe = state.cafe;
    const going = cafe.status === STATUS.RUNNING || cafe.status === STATUS.PAUSED;
    if (action === 'next_round' && going && !window.confirm(fmt(S.confirm_next, { n: cafe.round, next: cafe.round + 1 }))) return;
    if (action === 'start_harvest' && going && !window.confirm(S.confirm_harvest)) return;
    const payload = action === 'extend_round' ? { minutes: Number(button.dataset.minutes) } : {};
    send(action, payload, button);
  });

  function renderMoves() {
    const box = $('moves');
    const seating = state.next_seating;
    if (!seating || state.cafe.stage === STAGE.HARVEST) { box.hidden = true; return; }
    const people = new Map(state.participants.map((p) => [p.id, p]));
    const moves = seating.filter((s) => people.has(s.participant_id) && people.get(s.participant_id).table !== s.table);
    box.hidden = false;
    $('moves-summary').textContent = fmt(S.moves_summary, { n: state.cafe.round + 1, count: moves.length });
    $('moves-list').replaceChildren(...(moves.length ? moves.map((s) => {
      const p = people.get(s.participant_id);
      return el('li', {}, fmt(S.move_line, { name: personName(p), from: tableLabel(p.table), to: tableLabel(s.table) }));
    }) : [el('li', {}, S.moves_none)]));
  }

  /* ---- nudges ---- */
  function showNudge(nudge, quietly) {
    $('last-nudge').textContent = fmt(S.last_nudge, { time: clock(nudge.at), text: nudge.text });
    if (!quietly && nudge.text) Cafe.announce(fmt(S.nudge_sent, { text: nudge.text }));
  }

  $('nudge-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('nudge-text');
    const text = input.value.trim();
    if (!text) { showError(S.nudge_empty); input.focus(); return; }
    send('nudge', { text }, event.submitter || null, () => { input.value = ''; });
  });
  document.querySelector('.quick-nudges').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-nudge]');
    if (button) send('nudge', { text: button.dataset.nudge }, button);
  });

  /* ---- tables ---- */
  function roundInsights(table) {
    return Array.from(insights.values())
      .filter((i) => i.table === table && i.round === state.cafe.round)
      .sort((a, b) => (a.posted_at < b.posted_at ? 1 : -1));
  }

  function insightItem(i, moderate) {
    const author = i.author || (i.author_id ? fmt(S.anonymous_n, { id: i.author_id }) : S.anonymous);
    // one click hides it from the wall and other phones during the rounds; the same button undoes it
    const toggle = moderate && state.cafe.stage === STAGE.ROUNDS ? el('button', {
      type: 'button', class: 'secondary small moderate', 'data-moderate': i.id, 'aria-pressed': i.hidden ? 'true' : 'false',
      'aria-label': fmt(i.hidden ? S.show_insight_named : S.hide_insight_named, { text: i.text.slice(0, 60) }),
      onclick: (event) => send('moderate_insight', { insight_id: i.id, hidden: !i.hidden }, event.currentTarget,
        () => Cafe.announce(i.hidden ? S.insight_shown : S.insight_hidden)),
    }, i.hidden ? S.show_insight : S.hide_insight) : null;
    return el('li', { class: i.hidden ? 'insight is-hidden' : 'insight', 'data-id': i.id },
      el('p', { class: 'insight-text' }, i.text),
      el('p', { class: 'insight-meta' },
        el('span', {}, i.perspective ? `${author} · ${perspective(i.perspective)}` : author),
        el('span', { class: 'resonance', 'data-resonance': i.id }, fmt(S.resonance, { n: i.resonance })),
        i.do_not_quote ? el('span', { class: 'badge dnq' }, S.do_not_quote) : null,
        i.hidden ? el('span', { class: 'badge hidden-badge' }, S.hidden_badge) : null,
        toggle));
  }

  function tableCard(t) {
    const list = roundInsights(t.number);
    // the count is the wall's: every insight but those hidden, do-not-quote ones included
    const hiddenCount = list.filter((i) => i.hidden).length;
    const count = list.length - hiddenCount;
    const latest = handovers.filter((h) => h.table === t.number).sort((a, b) => b.round - a.round)[0];
    const heading = `card-${t.number}`;
    return el('article', { class: t.quiet ? 'card table-card quiet' : 'card table-card', id: `table-${t.number}`, 'data-table': t.number, 'aria-labelledby': heading },
      el('h3', { id: heading }, fmt(S.table, { label: t.label }),
        t.quiet ? el('span', { class: 'badge quiet', title: S.quiet_hint }, S.quiet) : null),
      el('p', { class: 'theme' }, t.theme),
      t.question ? el('p', { class: 'question' }, t.question) : null,
      el('p', { class: t.host ? 'host' : 'host none' }, t.host ? fmt(S.host_is, { name: personName(t.host) }) : S.no_host),
      el('details', { class: 'members' },
        el('summary', {}, `${S.members_heading}: ${fmt(S.people_count, { n: t.members.length })}`),
        t.members.length ? el('ul', {}, ...t.members.map((m) => el('li', {},
          `${personName(m)} · ${perspective(m.perspective)}`,
          m.is_host ? el('span', { class: 'badge host-badge' }, S.host) : null))) : el('p', {}, S.nobody)),
      el('p', { class: 'count' }, count === 1 ? S.insights_one : fmt(S.insights_many, { n: count }),
        hiddenCount ? ` · ${fmt(S.hidden_count, { n: hiddenCount })}` : null),
      el('h4', { class: 'visually-hidden' }, S.insights_heading),
      // a scroll box must be reachable by keyboard, so it takes focus and names itself
      list.length ? el('ul', { class: 'plain insights', tabindex: 0, 'aria-label': `${S.insights_heading}, ${fmt(S.table, { label: t.label })}` },
        ...list.map((i) => insightItem(i, true))) : el('p', { class: 'hint' }, S.no_insights),
      latest ? el('div', { class: 'handover' },
        el('h4', {}, fmt(S.handover_heading, { n: latest.round }),
          latest.host ? el('span', { class: 'hint' }, ` · ${fmt(S.handover_by, { name: hostName(latest.host) })}`) : null),
        el('ul', {}, ...latest.bullets.map((b) => el('li', {}, b)))) : null);
  }

  /* Swaps a table's card while keeping what the facilitator had open, scrolled or focused. */
  function placeCard(old, card) {
    const active = old.contains(document.activeElement) ? document.activeElement : null;
    const focus = active && (active.matches('summary') ? 'summary' : '.insights');
    const list = old.querySelector('.insights');
    const scroll = list ? list.scrollTop : 0;
    card.querySelector('details').open = old.querySelector('details').open;
    old.replaceWith(card);
    const next = card.querySelector('.insights');
    if (next) next.scrollTop = scroll;
    const target = focus && card.querySelector(focus);
    if (target) target.focus({ preventScroll: true });
  }

  function renderTables() {
    const grid = $('tables');
    const numbers = state.tables.map((t) => t.number);
    for (const node of Array.from(grid.children)) {
      if (!numbers.includes(Number(node.dataset.table))) node.remove();
    }
    for (const t of state.tables) {
      const old = $(`table-${t.number}`);
      if (old) placeCard(old, tableCard(t));
      else grid.append(tableCard(t));
    }
  }

  function rerenderTable(number) {
    const t = state && state.tables.find((x) => x.number === number);
    const old = $(`table-${number}`);
    if (t && old) placeCard(old, tableCard(t));
  }

  const noteInsight = Cafe.summary('insight-live', (counts) => {
    const parts = [...counts].map(([label, c]) => fmt(S.table_count, { label, n: c.n }));
    const n = [...counts.values()].reduce((sum, c) => sum + c.n, 0);
    return n === 1 ? fmt(S.new_one, { label: counts.keys().next().value }) : fmt(S.new_summary, { n, tables: parts.join(', ') });
  }, 8000);

  function onInsight(insight) {
    if (!state) return;
    if (!insights.has(insight.id)) noteInsight(insight.table_label || tableLabel(insight.table));
    insights.set(insight.id, insight);
    const t = state.tables.find((x) => x.number === insight.table);
    if (t && insight.round === state.cafe.round) t.quiet = false;
    rerenderTable(insight.table);
    if (state.harvest) renderHarvest(state.harvest);
  }

  function onResonated(data) {
    const insight = insights.get(data.insight_id);
    if (insight) insight.resonance = data.resonance;
    for (const node of document.querySelectorAll('[data-resonance]')) {
      if (node.dataset.resonance === data.insight_id) node.textContent = fmt(S.resonance, { n: data.resonance });
    }
  }

  function onHandover(handover) {
    if (!state) return;
    handovers = handovers.filter((h) => !(h.table === handover.table && h.round === handover.round));
    handovers.push(handover);
    rerenderTable(handover.table);
    renderHandovers();
  }

  /* Every table's hand-over of the round in one place: written (its lines) or not yet. Between
     rounds it is the last round's, which the newcomers are reading now. */
  function renderHandovers() {
    if (!state) return;
    const { cafe } = state;
    const round = cafe.status === STATUS.READY && cafe.round > 1 ? cafe.round - 1 : cafe.round;
    const list = $('handovers-list');
    $('handovers-panel').hidden = cafe.stage !== STAGE.ROUNDS;
    if (!state.tables.length) { list.replaceChildren(el('li', { class: 'hint' }, S.handovers_none)); return; }
    const mine = handovers.filter((h) => h.round === round);
    $('handovers-count').textContent = fmt(S.handovers_round, { n: round, written: mine.length, tables: state.tables.length });
    list.replaceChildren(...state.tables.map((t) => {
      const h = mine.find((x) => x.table === t.number);
      return el('li', { class: h ? 'handover-row written' : 'handover-row', 'data-handover-table': t.number },
        el('p', { class: 'handover-table' }, el('strong', {}, fmt(S.table, { label: t.label })),
          h && h.host ? ` · ${hostName(h.host)}` : '', h ? null : el('span', { class: 'hint' }, ` · ${S.handover_missing}`)),
        h ? el('ul', {}, ...h.bullets.map((b) => el('li', {}, b))) : null);
    }));
  }

  /* ---- people ---- */
  function personRow(p, options) {
    const selectId = `move-${p.id}`;
    const label = tableLabel(p.table);
    const select = el('select', { id: selectId, 'data-person': p.id },
      ...options.map((o) => el('option', { value: o.number, selected: o.number === p.table }, o.text)));
    if (p.left) {
      return el('li', { class: 'person left' },
        el('p', { class: 'person-name' }, personName(p), el('span', { class: 'badge' }, ` ${S.left_badge}`)));
    }
    return el('li', { class: 'person' },
      el('p', { class: 'person-name' }, personName(p),
        el('span', { class: 'hint' }, ` · ${perspective(p.perspective)}`),
        p.is_host ? el('span', { class: 'badge host-badge' }, fmt(S.host_of, { label })) : null),
      el('div', { class: 'person-actions' },
        el('label', { for: selectId, class: 'visually-hidden' }, fmt(S.move_to, { name: personName(p) })),
        select,
        el('button', { type: 'button', class: 'secondary', 'data-move': p.id }, S.move,
          el('span', { class: 'visually-hidden' }, ` ${personName(p)}`)),
        p.is_host
          ? el('button', { type: 'button', class: 'secondary', 'data-unhost': p.table }, S.remove_host,
            el('span', { class: 'visually-hidden' }, ` ${personName(p)}`))
          : el('button', { type: 'button', class: 'secondary', 'data-host': p.id }, S.make_host,
            el('span', { class: 'visually-hidden' }, ` ${personName(p)}`)),
        el('button', { type: 'button', class: 'secondary', 'data-left': p.id }, S.mark_left,
          el('span', { class: 'visually-hidden' }, ` ${personName(p)}`))));
  }

  /* ---- joining: the code seats new people until the facilitator closes it (or it lapses) ---- */
  function renderJoining(joining) {
    if (!joining) return;
    const when = new Date(joining.until).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
    $('joining-status').textContent = joining.open ? fmt(S.joining_open, { time: when }) : S.joining_closed;
    const toggle = $('joining-toggle');
    toggle.textContent = joining.open ? S.close_joining : S.open_joining;
    toggle.dataset.open = joining.open ? 'false' : 'true';
    toggle.hidden = false;
  }

  $('joining-toggle').addEventListener('click', (event) => {
    const button = event.currentTarget;
    send('set_joining', { open: button.dataset.open === 'true' }, button);
  });

  function renderPeople() {
    const box = $('people');
    const people = state.participants.slice().sort((a, b) => a.table - b.table || personName(a).localeCompare(personName(b)));
    $('people-count').textContent = fmt(S.people_count, { n: people.filter((p) => !p.left).length });
    // re-rendering a list the facilitator is working in would throw away focus and half-made choices
    const signature = JSON.stringify([people, state.tables.map((t) => [t.number, t.label, t.theme])]);
    if (box.dataset.signature === signature) return;
    box.dataset.signature = signature;
    const focused = document.activeElement && box.contains(document.activeElement) ? focusKey(document.activeElement) : null;
    if (!people.length) { box.replaceChildren(el('p', { class: 'hint' }, S.no_people)); return; }
    const options = state.tables.map((t) => ({ number: t.number, text: fmt(S.table_theme, { label: t.label, theme: t.theme }) }));
    box.replaceChildren(el('ul', { class: 'plain people' }, ...people.map((p) => personRow(p, options))));
    if (focused) { const node = box.querySelector(focused); if (node) node.focus(); }
  }

  function focusKey(node) {
    for (const key of ['data-person', 'data-move', 'data-host', 'data-unhost', 'data-left']) {
      if (node.hasAttribute(key)) return `[${key}="${node.getAttribute(key)}"]`;
    }
    return null;
  }

  $('people').addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (!button || !state) return;
    const find = (id) => state.participants.find((p) => p.id === Number(id));
    if (button.dataset.move) {
      const p = find(button.dataset.move);
      const table = Number($(`move-${p.id}`).value);
      if (table === p.table) return;
      send('reassign', { participant_id: p.id, table }, button,
        () => Cafe.announce(fmt(S.moved, { name: personName(p), label: tableLabel(table) })));
    } else if (button.dataset.host) {
      const p = find(button.dataset.host);
      send('set_host', { table: p.table, participant_id: p.id }, button,
        () => Cafe.announce(fmt(S.host_set, { name: personName(p), label: tableLabel(p.table) })));
    } else if (button.dataset.left) {
      const p = find(button.dataset.left);
      if (!window.confirm(fmt(S.confirm_left, { name: personName(p) }))) return;
      send('mark_left', { participant_id: p.id }, button,
        () => Cafe.announce(fmt(S.marked_left, { name: personName(p) })));
    } else if (button.dataset.unhost) {
      const table = Number(button.dataset.unhost);
      send('set_host', { table, participant_id: null }, button,
        () => Cafe.announce(fmt(S.host_removed, { label: tableLabel(table) })));
    }
  });

  /* Someone without a phone: seated like a newcomer, their itinerary is on the printed sheet. */
  $('add-person-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    const payload = { name: form.name.value, perspective: form.perspective.value, stays: form.stays.checked };
    send('add_person', payload, form.querySelector('button'), (reply) => {
      Cafe.announce(fmt(S.person_added, { name: payload.name.trim() || S.someone, label: reply.table_label }));
      form.reset();
    });
  });

  /* ---- harvest ---- */
  function counts(perspectives) {
    return el('ul', { class: 'voices' }, ...Object.entries(perspectives || {}).map(([key, n]) =>
      el('li', {}, `${key === 'none' || !key ? S.not_given : perspective(key)}: ${n}`)));
  }

  /* Voice-balance flags (docs/protocol.md, <voice flag>): each carries its own sentence, in words to read aloud. */
  function voiceFlags(flags) {
    return el('ul', { class: 'voice-flags' }, ...flags.map((f) => el('li', {}, f.text)));
  }

  function renderVoice(harvest) {
    const flags = harvest.voice_flags || [];
    $('harvest-voice').replaceChildren(flags.length ? voiceFlags(flags) : el('p', {}, S.voice_none));
  }

  /* Participants' word on the harvest: counts per theme, and every note (do-not-quote ones flagged). */
  function feedbackBlock(block, theme) {
    const n = (block && block.reflects) || 0;
    const notes = (state.feedback_notes || []).filter((note) => note.theme === theme);
    return el('section', { class: 'feedback' }, el('h4', {}, theme === null ? fmt('{a} · {b}', { a: S.fb_title, b: S.fb_whole }) : S.fb_title),
      el('p', {}, n === 1 ? S.fb_reflects_one : fmt(S.fb_reflects, { n })),
      notes.length ? el('p', { class: 'hint' }, S.fb_added) : null,
      notes.length ? el('ul', { class: 'feedback-notes' }, ...notes.map((note) => el('li', {}, note.text,
        el('span', { class: 'hint' }, ` · ${perspective(note.perspective)}${note.do_not_quote ? ' · ' + S.fb_not_quoted : ''}`)))) : null);
  }

  function renderFeedback(harvest) {
    const articles = $('harvest-themes').children;
    harvest.themes.forEach((theme, i) => { if (articles[i] && theme.feedback) articles[i].append(feedbackBlock(theme.feedback, theme.theme)); });
    const room = harvest.feedback;
    if (!room) { $('harvest-feedback').replaceChildren(); return; }
    $('harvest-feedback').replaceChildren(el('article', { class: 'card harvest-theme' },
      el('p', {}, fmt(S.fb_totals, room.totals || {})), feedbackBlock(room, null)));
  }

  /* Patterns across themes, the room's open questions and each table's own sub-themes. */
  function renderAcross(harvest) {
    const patterns = harvest.crosscutting || [];
    const questions = harvest.open_questions || [];
    $('harvest-across').replaceChildren(patterns.length
      ? el('ul', {}, ...patterns.map((p) => el('li', {}, el('strong', {}, p.label), ` · ${p.themes.join(', ')}`,
        el('span', { class: 'hint' }, ` (${p.subthemes.map((s) => s.label).join(' · ')})`))))
      : el('p', { class: 'hint' }, S.no_patterns));
    $('harvest-questions').replaceChildren(questions.length
      ? el('ul', {}, ...questions.map((q) => el('li', {}, `“${q.text}”`,
        el('span', { class: 'hint' }, ` · ${q.themes.join(', ')} · ${fmt(S.table, { label: q.tables.join(', ') })}${q.asked > 1 ? ' · ' + fmt(S.asked, { n: q.asked }) : ''}`))))
      : el('p', { class: 'hint' }, S.no_questions));
    $('harvest-tables').replaceChildren(el('ul', {}, ...(harvest.tables || []).map((t) => el('li', {},
      el('strong', {}, fmt(S.table, { label: t.table_label })), ` · ${t.subthemes.map((s) => `${s.label} (${s.count})`).join('; ')}`))));
  }

  function renderHarvest(harvest) {
    const box = $('harvest');
    box.hidden = !harvest;
    if (!harvest) return;
    $('harvest-totals').textContent = fmt(S.harvest_totals, { people: harvest.participant_count, insights: harvest.insight_count });
    renderVoice(harvest);
    const themeFlags = (name) => (harvest.voice_flags || []).filter((f) => f.theme === name);
    $('harvest-themes').replaceChildren(...harvest.themes.map((theme) => el('article', { class: 'card harvest-theme' },
      el('h3', {}, fmt(S.theme_count, { theme: theme.theme, n: theme.insight_count })),
      themeFlags(theme.theme).length ? voiceFlags(themeFlags(theme.theme)) : null,
      theme.subthemes.length ? el('h4', {}, S.subthemes) : el('p', { class: 'hint' }, S.no_theme_insights),
      el('ul', {}, ...theme.subthemes.map((sub) => {
        const quote = sub.quote_insight || insights.get(sub.quote);
        const n = sub.count !== undefined ? sub.count : (sub.insight_ids || []).length;
        return el('li', {}, el('strong', {}, fmt(S.subtheme_count, { label: sub.label, n })),
          quote ? el('blockquote', {}, quote.text) : null);
      })),
      theme.top_insights.length ? el('h4', {}, S.top_insights) : null,
      theme.top_insights.length ? el('ul', { class: 'plain insights' }, ...theme.top_insights.map((i) => insightItem(i, false))) : null,
      Object.keys(theme.perspectives || {}).length ? el('h4', {}, S.voices) : null, counts(theme.perspectives))));
    renderFeedback(harvest);
    renderAcross(harvest);
    if (!harvest.handover_chains.length) { $('harvest-chains').replaceChildren(el('p', { class: 'hint' }, S.no_chains)); return; }
    $('harvest-chains').replaceChildren(...harvest.handover_chains.map((chain) => el('article', { class: 'card chain' },
      el('h4', {}, fmt(S.table, { label: chain.table_label })),
      el('ul', { class: 'plain' }, ...chain.handovers.map((h) => el('li', {},
        el('p', { class: 'chain-round' }, `${fmt(S.round_n, { n: h.round })} · ${h.theme}${h.host ? ' · ' + hostName(h.host) : ''}`),
        el('ul', {}, ...h.bullets.map((b) => el('li', {}, b)))))))));
  }
})();
