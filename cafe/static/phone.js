/* The participant's phone: my table, the round's clock, insights, hand-overs and the harvest.
   Everything is drawn from the server's state; the only thing kept on the phone is the outbox of
   insights not yet acknowledged, so weak venue Wi-Fi never loses one nor stores it twice. */
'use strict';

(function () {
  const S = Cafe.strings();
  const page = Cafe.pageData();
  const el = Cafe.el;
  const { STAGE, STATUS } = Cafe;
  const $ = (name) => document.querySelector(`[data-${name}]`);
  const fill = Cafe.fill;
  const kept = Cafe.storedList(`cafe-outbox-${page.code}`);
  const dismissedNudge = Cafe.storedList(`cafe-nudge-dismissed-${page.code}`); // [at] of the nudge hidden here

  let state = null;
  let insights = new Map();
  let resonated = new Set();
  const inFlight = new Set();
  let outbox = kept.read();
  let lastRemaining = null;
  let dueShown = null;
  let editingHandover = false;
  let handoverLinesFor = null;
  let shownNudgeAt = null;
  let nudgeTimer = null;
  let clockOffset = 0;      // server time minus ours, so a nudge's expiry is read on the server's clock
  let counterStep = null;
  let heldUntil = 0;       // the server said rate_limited: the outbox waits until then (ms)
  let heldTimer = null;
  let editingId = null;     // the own insight being rewritten, if any

  const auth = { role: 'participant', code: page.code };
  if (page.participant_token) {
    auth.participant_token = page.participant_token; // otherwise the server reads the cookie
    try { localStorage.setItem(`cafe-token-${page.code}`, page.participant_token); } catch (e) { /* private mode */ }
  }

  const countdown = new Cafe.Countdown(tick);
  const conn = Cafe.connect(auth, {
    state: render,
    connect: flushOutbox,
    insight_posted: onInsightPosted,
    insight_resonated: (r) => { const i = insights.get(r.insight_id); if (i) { i.resonance = r.resonance; renderInsights(); } },
    handover_submitted: onHandover,
    cafe_updated: onCafeUpdated,
    cafe_changed: (c) => (c.reason === 'harvest_changed' ? fetchHarvest() : conn.sync()),
    table_updated: onTableUpdated,
    itinerary_changed: onItinerary,
    nudged: (nudge) => showNudge(nudge),
    refused: showRefused,
  });
  // common.js shows the transport's own words ("websocket error"); while it retries, say it plainly.
  conn.socket.on('connect_error', () => {
    const status = document.querySelector('[data-connection]');
    if (conn.socket.active && status) status.textContent = S.reconnecting;
  });
  setInterval(flushOutbox, 15000); // retries anything whose reply timed out on a live connection
  /* The harvest feedback script (phone-feedback.js) is fetched only once the harvest begins (or
     when this phone still holds feedback it could not send), so the first visit stays light. */
  let feedback = null;
  let feedbackLoading = false;
  function withFeedback(next) {
    const waiting = Cafe.storedList(`cafe-feedback-outbox-${page.code}`).read().length > 0;
    if (next.cafe.stage !== STAGE.HARVEST && !waiting) return;
    if (feedback) { feedback.render(next); return; }
    if (feedbackLoading || !page.feedback_script) return;
    feedbackLoading = true;
    const script = document.createElement('script');
    script.src = page.feedback_script;
    script.onload = () => { feedback = window.CafeFeedback(conn, S, page.code); if (state) feedback.render(state); };
    script.onerror = () => { feedbackLoading = false; }; // tried again with the next state
    document.head.appendChild(script);
  }

  /* Messages that fall in the same moment (2 minutes left, hand-over due) are read as one. */
  let pending = [];
  /* Only this table's new insights, one at a time when they are few, counted when many arrive. */
  const noteInsight = Cafe.summary('insight-live', (counts) => {
    const c = counts.get('table');
    return c.n === 1 ? c.detail : fill(S.new_many, { n: c.n });
  }, 6000);

  function say(text) {
    if (!text) return;
    if (!pending.length) setTimeout(() => { Cafe.announce(pending.join(' ')); pending = []; }, 150);
    pending.push(text);
  }

  function onInsightPosted(insight) {
    if (!atMyTable(insight)) return;
    // someone else's new insight is read out; your own is confirmed as 'sent' instead
    const queued = outbox.find((item) => item.id === insight.id); // the broadcast can beat our own reply
    const known = insights.get(insight.id);
    if (insight.private) {
      // the table hears of a note kept private without its words; our own keeps what we wrote
      if (known && known.text != null) { insight = { ...known, resonance: insight.resonance }; }
      else if (queued) { insight = { ...insight, text: queued.text, private: false }; }
    }
    if (queued) insight.mine = true;
    else if (!known && !insight.mine) noteInsight('table', insight.private ? S.new_private : fill(S.new_insight, { text: insight.text }));
    if (known) insight.mine = known.mine || insight.mine;
    insights.set(insight.id, insight);
    renderInsights();
  }

  function atMyTable(insight) {
    return Boolean(state && state.table && insight.round === state.cafe.round && insight.table === state.table.number);
  }

  /* ---- deltas: the server pushes what changed; the phone builds its next state from them ---- */
  const tablesByRound = new Map();   // round -> the last table_updated for my table in that round

  /* The state as it stands, with the insights and resonance that arrived one by one since. */
  function current() {
    return { ...state, insights: [...insights.values()], resonated: [...resonated] };
  }

  /* A theme's texts in this phone's language, by the plan's theme index. */
  function themeTexts(index) {
    const themes = (state && state.texts && state.texts.themes) || [];
    return themes[index] || null;
  }

  function questionFor(texts, round) {
    const questions = (texts && texts.questions) || [];
    return questions.length ? questions[Math.min(Math.max(round, 1), questions.length) - 1] : '';
  }

  /* My table in a round: from its table_updated when it came, else from my itinerary alone. */
  function tableFor(round, stop, sent, known) {
    if (!stop) return null;
    const pushed = sent && sent.table.number === stop.table ? sent.table : null;
    const kept = known && known.number === stop.table ? known : null;
    const base = pushed || kept || { number: stop.table, label: stop.table_label, host: null, members: [], insight_count: 0,
      last_insight_at: null, quiet: false, theme_index: stop.theme_index };
    const table = { ...base };
    if (known && known.number === table.number) {
      // the counts of a round under way are this phone's; a pushed table only says who sits there
      table.insight_count = known.insight_count;
      table.last_insight_at = known.last_insight_at;
      table.quiet = known.quiet;
    }
    const texts = themeTexts(table.theme_index);
    if (texts) {
      table.theme = texts.name;
      table.theme_description = texts.description;
      table.question = questionFor(texts, round);
    }
    return table;
  }

  function translated(handover) {
    const texts = themeTexts(handover.theme_index);
    return texts ? { ...handover, theme: texts.name } : handover;
  }

  function stopAt(next, round) {
    return (next.itinerary || []).find((step) => step.round === round) || null;
  }

  /* Where I sit now, who hosts, what comes next: worked out again after any delta. */
  function place(next, sameTable) {
    const round = next.cafe.round;
    const stop = next.me.left ? null : stopAt(next, round);
    const sent = tablesByRound.get(round);
    next.table = tableFor(round, stop, sent, sameTable ? state.table : null);
    if (!sameTable || !next.table) {
      next.insights = [];
      next.my_handover = null;
      next.handover_due = false;
    }
    if (sent && next.table && sent.table.number === next.table.number) next.handovers = (sent.handovers || []).map(translated);
    else if (!sameTable) next.handovers = [];
    next.me = { ...next.me, is_host: Boolean(next.table && next.table.host && next.table.host.id === next.me.id) };
    const upcoming = stopAt(next, round + 1);
    next.next = upcoming ? { ...upcoming, stay: Boolean(next.table) && upcoming.table === next.table.number } : null;
    return next;
  }

  function onCafeUpdated(update) {
    if (!state) return;
    const next = current();
    next.cafe = { ...state.cafe, ...update.cafe };
    const sameRound = next.cafe.round === state.cafe.round;
    render(place(next, sameRound));
    if (next.cafe.stage === STAGE.HARVEST && state.harvest === null) fetchHarvest();
  }

  /* The harvest is one payload for every phone: asked for alone (not a whole state), spread over
     a few seconds, when it starts and after each edit of it. */
  function fetchHarvest(wait) {
    setTimeout(() => conn.send('harvest', {}, (reply) => {
      if (reply.ok) { if (state) render({ ...current(), harvest: reply.harvest }); } else fetchHarvest(reply.retry_after * 1000 || 5000);
    }), wait || Math.random() * 3000);
  }

  function onTableUpdated(update) {
    tablesByRound.set(update.round, update);
    if (!state || update.round !== state.cafe.round) return;
    const stop = stopAt(state, update.round);
    if (!stop || stop.table !== update.table.number) return;
    render(place(current(), Boolean(state.table && state.table.number === update.table.number)));
  }

  function onItinerary(update) {
    if (!state) return;
    const next = current();
    next.itinerary = (update.itinerary || []).map((step) => {
      const texts = themeTexts(step.theme_index);
      return texts ? { ...step, theme: texts.name } : step;
    });
    const stop = stopAt(next, next.cafe.round);
    render(place(next, Boolean(stop && state.table && stop.table === state.table.number)));
  }

  function onHandover(handover) {
    if (!state || !state.table || handover.table !== state.table.number) return;
    const next = current();
    const shown = translated(handover);
    if (handover.round === state.cafe.round) next.my_handover = shown;
    else if (handover.round < state.cafe.round) {
      next.handovers = [shown, ...(state.handovers || []).filter((h) => h.round !== handover.round)]
        .sort((a, b) => b.round - a.round);
    }
    render(next);
  }

  function render(next) {
    const previous = state;
    state = next;
    insights = new Map((next.insights || []).map((i) => [i.id, i]));
    resonated = new Set(next.resonated || []);
    // A reply lost on the way back: the server has it, so it is no longer waiting.
    const before = outbox.length;
    outbox = outbox.filter((item) => !insights.has(item.id));
    if (outbox.length !== before) saveOutbox();
    announceChanges(previous, next);
    document.body.dataset.stage = next.cafe.stage;
    if (!previous || previous.cafe.round !== next.cafe.round) { lastRemaining = null; editingHandover = false; }
    // nudges are about the rounds: when the harvest begins they are old news
    if (previous && previous.cafe.stage !== next.cafe.stage) hideNudge();
    renderHeader();
    renderGoNow();
    renderHost();
    renderHandovers();
    renderInsights();
    renderOutbox();
    flushOutbox(); // the round may just have started: send what was waiting for it
    renderNext();
    renderHarvest();
    withFeedback(next);
    const serverNow = Date.parse(next.cafe.server_now);
    if (!Number.isNaN(serverNow)) clockOffset = serverNow - Date.now();
    // in the harvest only a nudge sent live (event 'nudged') is shown, never an old one from a round;
    // the server sends last_nudge only while it is news (its expires_at)
    if (next.cafe.stage !== STAGE.HARVEST && next.cafe.last_nudge) showNudge(next.cafe.last_nudge);
    countdown.update(next.cafe);
  }

  function renderHeader() {
    const { cafe, table } = state;
    $('round-of').textContent = fill(S.round_of, { round: cafe.round, rounds: cafe.rounds });
    $('table-label').textContent = table ? fill(S.table, { label: table.label }) : '—';
    $('theme').textContent = table ? table.theme : '';
    $('question').textContent = table ? table.question : '';
  }

  /* When a round ends, and while the next one waits to start, say plainly where to go. */
  function renderGoNow() {
    const { cafe, next, table, me } = state;
    let text = '';
    if (cafe.stage === STAGE.ROUNDS && cafe.status === STATUS.ENDED) {
      if (!next) text = cafe.round >= cafe.rounds ? S.go_last : fill(S.go_unplanned, { round: cafe.round });
      // the words follow what the person ticked (next.stay), and name the host's duty only for a host
      else if (next.stay) text = fill(me.is_host ? S.go_stay : S.go_stay_guest, { round: cafe.round, label: next.table_label });
      else text = fill(S.go_move, { round: cafe.round, label: next.table_label, theme: next.theme });
    } else if (cafe.stage === STAGE.ROUNDS && cafe.status === STATUS.READY && cafe.round > 1 && table) {
      // what the person does: a host or someone who stays keeps their seat, everyone else moves
      const before = (state.itinerary || []).find((stop) => stop.round === cafe.round - 1);
      const stayed = Boolean(before && before.table === table.number);
      text = fill(me.is_host ? S.go_now_stay : stayed ? S.go_now_stayer : S.go_now_move, { label: table.label });
    }
    $('go-now-text').textContent = text;
    $('go-now').hidden = !text;
  }

  function tick(remaining, cafe) {
    const timer = $('timer');
    let text = S.waiting;
    if (cafe.stage === STAGE.HARVEST) text = S.harvest_stage;
    else if (cafe.status === STATUS.RUNNING) text = remaining > 0 ? fill(S.time_left, { time: Cafe.formatSeconds(remaining) }) : S.times_up;
    else if (cafe.status === STATUS.PAUSED) text = fill(S.paused_left, { time: Cafe.formatSeconds(Math.max(remaining, 0)) });
    else if (cafe.status === STATUS.ENDED) text = S.ended;
    timer.textContent = text;
    timer.dataset.status = cafe.status;
    timer.classList.toggle('overtime', cafe.status === STATUS.RUNNING && remaining <= 0);
    if (cafe.status === STATUS.RUNNING && lastRemaining !== null) {
      if (lastRemaining > 120 && remaining <= 120 && remaining > 0) say(S.ann_two_minutes);
      if (lastRemaining > 0 && remaining <= 0) say(S.ann_times_up);
    }
    lastRemaining = remaining;
    if (handoverDue() !== dueShown) renderHost();
  }

  /* Meaningful moments only; the clock itself is never read out every second. */
  function announceChanges(previous, next) {
    if (!previous) return;
    const said = [];
    const [was, now] = [previous.cafe, next.cafe];
    if (now.stage === STAGE.HARVEST && was.stage !== STAGE.HARVEST) said.push(S.ann_harvest);
    else if (now.round !== was.round) {
      said.push(fill(S.ann_ready, { round: now.round, label: next.table ? next.table.label : '—' }));
      if (now.status === STATUS.RUNNING) said.push(fill(S.ann_started, { round: now.round }));
    } else if (now.status !== was.status) {
      if (now.status === STATUS.RUNNING) said.push(was.status === STATUS.PAUSED ? S.ann_resumed : fill(S.ann_started, { round: now.round }));
      else if (now.status === STATUS.PAUSED) said.push(S.ann_paused);
      else if (now.status === STATUS.ENDED) said.push(S.ann_ended);
    }
    if (said.length) say(said.join(' '));
  }

  /* The server says when a hand-over is due, but the lead time passes between syncs. */
  function handoverDue() {
    if (!state || !state.me.is_host || state.cafe.stage !== STAGE.ROUNDS || state.my_handover) return Boolean(state && state.handover_due);
    const { cafe } = state;
    const remaining = countdown.remaining();
    return Boolean(state.handover_due || cafe.status === STATUS.ENDED
      || ([STATUS.RUNNING, STATUS.PAUSED].includes(cafe.status) && remaining !== null && remaining <= cafe.handover_lead_s));
  }

  function renderHost() {
    const host = state.me.is_host && state.cafe.stage === STAGE.ROUNDS;
    const due = handoverDue();
    // Said once when it becomes due, not when the page opens with it already due.
    if (host && due && dueShown === false) say(S.ann_handover_due);
    dueShown = due;
    $('host').hidden = !host;
    if (!host) return;
    $('host-cue').replaceChildren(...(state.cafe.host_cue || []).map((line) => el('li', { text: line })));
    const etiquette = state.cafe.etiquette || [];
    $('etiquette-box').hidden = !etiquette.length;
    $('etiquette').replaceChildren(...etiquette.map((line) => el('li', { text: line })));
    const mine = state.my_handover;
    $('handover').hidden = !(due || mine);
    const showSaved = Boolean(mine) && !editingHandover;
    $('handover-saved').hidden = !showSaved;
    $('handover-form').hidden = showSaved;
    if (mine) $('handover-saved-list').replaceChildren(...mine.bullets.map((b) => el('li', { text: b })));
    if (!showSaved && handoverLinesFor !== state.cafe.round) buildHandoverLines(mine ? mine.bullets : []);
  }

  function buildHandoverLines(bullets) {
    handoverLinesFor = state.cafe.round;
    const lines = $('handover-lines');
    lines.replaceChildren();
    const count = Math.min(5, Math.max(3, bullets.length));
    for (let n = 0; n < count; n += 1) addHandoverLine(bullets[n] || '');
  }

  function addHandoverLine(value) {
    const lines = $('handover-lines');
    const n = lines.children.length + 1;
    if (n > 5) return null;
    const input = el('input', { type: 'text', id: `handover-line-${n}`, maxlength: 200, 'aria-describedby': 'handover-hint', dir: 'auto' });
    input.value = value || '';
    lines.append(el('div', { class: 'line' }, el('label', { for: input.id, text: fill(S.handover_line, { n }) }), input));
    $('handover-add').hidden = n >= 5;
    return input;
  }

  $('handover-add').addEventListener('click', () => { const input = addHandoverLine(''); if (input) input.focus(); });
  $('handover-edit').addEventListener('click', () => {
    editingHandover = true;
    handoverLinesFor = null;
    renderHost();
    $('handover-lines').querySelector('input').focus();
  });
  $('handover-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const error = $('handover-error');
    const bullets = Array.from($('handover-lines').querySelectorAll('input'), (i) => i.value.trim()).filter(Boolean);
    if (!bullets.length) { error.textContent = S.handover_empty; $('handover-lines').querySelector('input').focus(); return; }
    error.textContent = '';
    conn.send('submit_handover', { bullets }, (reply) => {
      if (!reply.ok) { error.textContent = reply.message; return; }
      state.my_handover = reply.handover;
      editingHandover = false;
      renderHost();
      say(S.ann_handover_saved);
      $('handover-edit').focus();
    });
  });

  function renderHandovers() {
    const list = state.handovers || [];
    $('handovers').hidden = !list.length;
    $('handovers-list').replaceChildren(...list.map((h) => {
      const host = h.host && typeof h.host === 'object' ? h.host.name : h.host;
      return el('div', { class: 'handover-card' },
        el('h4', { text: host ? fill(S.handover_by, { round: h.round, host }) : fill(S.handover_round, { round: h.round }) }),
        el('ul', {}, ...h.bullets.map((b) => el('li', { text: b }))));
    }));
  }

  function perspectiveLabel(key) {
    return key ? (S.perspectives && S.perspectives[key]) || key : null;
  }

  function renderInsights() {
    const list = $('insights');
    const focused = document.activeElement && document.activeElement.closest('[data-id]');
    const focusedId = focused && list.contains(focused) ? focused.dataset.id : null;
    const sorted = Array.from(insights.values()).sort((a, b) => String(b.posted_at).localeCompare(String(a.posted_at)));
    // a rewrite in progress survives the table's news arriving meanwhile
    const editing = editingId ? document.getElementById(`edit-${editingId}`) : null;
    const draft = editing ? { value: editing.value, focused: document.activeElement === editing } : null;
    list.replaceChildren(...sorted.map(insightNode));
    const again = draft ? document.getElementById(`edit-${editingId}`) : null;
    if (again) { again.value = draft.value; if (draft.focused) again.focus(); }
    $('no-insights').hidden = sorted.length > 0 || outbox.length > 0 || inHarvest();
    if (focusedId && !editingId) {
      const again = list.querySelector(`[data-id="${CSS.escape(focusedId)}"] button`);
      if (again) again.focus();
    }
  }

  /* One's own insight may be rewritten or taken back while its round runs (the server says the same). */
  function mayCorrect(insight) {
    return Boolean(insight.mine && state && state.cafe.stage === STAGE.ROUNDS && insight.round === state.cafe.round
      && [STATUS.RUNNING, STATUS.PAUSED].includes(state.cafe.status) && !(state.me && state.me.left));
  }

  function correctButtons(insight) {
    if (!mayCorrect(insight)) return null;
    return el('p', { class: 'actions correct' },
      el('button', { type: 'button', class: 'secondary small', 'data-edit': insight.id,
        'aria-label': fill(S.edit_named, { text: insight.text.slice(0, 60) }), text: S.edit,
        onclick: () => { editingId = insight.id; renderInsights(); const box = document.getElementById(`edit-${insight.id}`); if (box) box.focus(); } }),
      el('button', { type: 'button', class: 'secondary small', 'data-withdraw': insight.id,
        'aria-label': fill(S.withdraw_named, { text: insight.text.slice(0, 60) }), text: S.withdraw,
        onclick: () => withdraw(insight) }));
  }

  function editForm(insight) {
    const box = el('textarea', { id: `edit-${insight.id}`, rows: 3, maxlength: 500 });
    box.value = insight.text;
    const error = el('p', { class: 'error', role: 'alert' });
    const form = el('form', { class: 'edit-insight', novalidate: true },
      el('label', { for: box.id, text: S.edit_label }), box, error,
      el('div', { class: 'actions' },
        el('button', { type: 'submit', text: S.save_edit }),
        el('button', { type: 'button', class: 'secondary', text: S.cancel, onclick: () => { editingId = null; renderInsights(); } })));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = box.value.trim();
      if (!text) { error.textContent = S.empty_insight; box.focus(); return; }
      conn.send('edit_insight', { insight_id: insight.id, text }, (reply) => {
        if (!reply.ok) { error.textContent = reply.message; return; }
        editingId = null;
        insights.set(insight.id, { ...insight, ...reply.insight, mine: true });
        renderInsights();
        say(S.ann_edited);
      });
    });
    return el('li', { class: 'insight card mine editing', 'data-id': insight.id }, form);
  }

  function withdraw(insight) {
    if (!window.confirm(S.confirm_withdraw)) return;
    conn.send('withdraw_insight', { insight_id: insight.id }, (reply) => {
      if (!reply.ok) { say(reply.message); return; }
      insights.delete(insight.id);
      renderInsights();
      say(S.ann_withdrawn);
    });
  }

  function insightNode(insight) {
    if (insight.id === editingId && mayCorrect(insight)) return editForm(insight);
    const pressed = resonated.has(insight.id);
    const meta = el('p', { class: 'meta' },
      insight.mine ? el('span', { class: 'tag you', text: S.you }) : null,
      el('span', { class: 'author', text: insight.author || (insight.author_id ? fill(S.anonymous_n, { id: insight.author_id }) : S.anonymous) }),
      insight.perspective ? el('span', { class: 'perspective', text: perspectiveLabel(insight.perspective) }) : null,
      insight.do_not_quote && insight.mine ? el('span', { class: 'tag', text: S.not_quoted }) : null,
      insight.hidden ? el('span', { class: 'tag hidden-tag', text: S.hidden_by_facilitator }) : null,
      insight.scribe ? el('span', { class: 'tag', text: S.by_scribe }) : null);
    const button = el('button', {
      // aria-disabled rather than disabled keeps keyboard focus on the button after pressing it.
      type: 'button', class: 'resonate', 'aria-pressed': pressed ? 'true' : 'false', 'aria-disabled': pressed ? 'true' : null,
      text: fill(S.resonates_count, { n: insight.resonance || 0 }),
      onclick: () => resonate(insight.id),
    });
    if (insight.private) {
      // someone asked not to be quoted: the table sees that a note was added, not its words
      return el('li', { class: 'insight card private', 'data-id': insight.id },
        el('p', { class: 'insight-text kept-private', text: S.kept_private }));
    }
    return el('li', { class: `insight card${insight.mine ? ' mine' : ''}`, 'data-id': insight.id },
      el('p', { class: 'insight-text', text: insight.text }), meta, button, insight.mine ? correctButtons(insight) : null);
  }

  function resonate(id) {
    if (resonated.has(id)) return; // once per person
    resonated.add(id);
    renderInsights();
    conn.send('resonate', { insight_id: id }, (reply) => {
      const insight = insights.get(id);
      if (reply.ok) { if (insight) insight.resonance = reply.resonance; } else { resonated.delete(id); say(reply.message); }
      renderInsights();
    });
  }

  /* ---- sending insights: an outbox in localStorage, flushed on every (re)connect ---- */

  function saveOutbox() { kept.write(outbox); }

  function renderOutbox() {
    $('outbox').replaceChildren(...outbox.map((item) => el('li', { class: 'insight card pending', 'data-pending': item.id },
      el('p', { class: 'insight-text', text: item.text }),
      el('p', { class: 'meta status', text: itemStatus(item) }))));
    $('no-insights').hidden = insights.size > 0 || outbox.length > 0 || inHarvest();
  }

  function itemStatus(item) {
    if (inFlight.has(item.id)) return S.sending;
    if (waitsForRound(item)) return S.waits_for_round;
    if (heldUntil > Date.now()) return fill(S.slow_down, { n: Math.ceil((heldUntil - Date.now()) / 1000) });
    return S.queued;
  }

  /* Too many at once: the notes stay in the outbox and go by themselves when the server said. */
  function holdOutbox(seconds) {
    const wait = Math.max(1, Number(seconds) || 5);
    const first = heldUntil <= Date.now();
    heldUntil = Math.max(heldUntil, Date.now() + wait * 1000);
    if (first) say(fill(S.slow_down, { n: wait }));
    clearTimeout(heldTimer);
    heldTimer = setTimeout(() => { heldUntil = 0; flushOutbox(); }, heldUntil - Date.now() + 100);
  }

  function inHarvest() {
    return Boolean(state && state.cafe.stage === STAGE.HARVEST);
  }

  /* Between rounds the table is known but talk has not started: what is written now waits
     on the phone and is posted the moment the round starts. */
  function waitsForRound(item) {
    return Boolean(state && state.cafe.stage === STAGE.ROUNDS && state.cafe.status === STATUS.READY && item.round === state.cafe.round);
  }

  /* A post whose reply timed out is sent again (same id: stored once), later each time. */
  let retryDelay = 2000;
  let retryTimer = null;
  function retryLater() {
    if (retryTimer) return;
    retryTimer = setTimeout(() => { retryTimer = null; flushOutbox(); }, retryDelay + Math.random() * 1000);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function flushOutbox() {
    if (!conn || !conn.socket.connected) return;
    if (heldUntil > Date.now()) { renderOutbox(); return; }
    for (const item of outbox) {
      if (inFlight.has(item.id) || waitsForRound(item)) continue;
      inFlight.add(item.id);
      const payload = { id: item.id, text: item.text, do_not_quote: item.do_not_quote };
      if (item.round) payload.round = item.round; // written offline in an earlier round: file it there
      conn.send('post_insight', payload, (reply) => {
        inFlight.delete(item.id);
        if (reply.error === 'rate_limited') { holdOutbox(reply.retry_after); renderOutbox(); return; }
        if (reply.error === 'timeout') retryLater(); else retryDelay = 2000;
        if (reply.ok || reply.error !== 'timeout') {
          outbox = outbox.filter((other) => other.id !== item.id);
          saveOutbox();
        }
        if (reply.ok) {
          if (reply.insight && atMyTable(reply.insight)) insights.set(reply.insight.id, reply.insight);
          renderInsights();
          say(S.ann_sent);
        } else if (reply.error !== 'timeout') {
          refusedInsight(item, reply.message);
        }
        renderOutbox();
      });
    }
    renderOutbox();
  }

  /* The server said no for good: give the words back so nothing typed is lost. */
  function refusedInsight(item, message) {
    const textarea = document.getElementById('insight-text');
    if (!textarea.value.trim()) { textarea.value = item.text; document.getElementById('do-not-quote').checked = item.do_not_quote; }
    $('compose-error').textContent = message;
    updateCounter();
  }

  const textarea = document.getElementById('insight-text');
  $('compose').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    const error = $('compose-error');
    if (!text) { error.textContent = S.empty_insight; textarea.focus(); return; }
    error.textContent = '';
    const quote = document.getElementById('do-not-quote');
    outbox.push({ id: Cafe.uuid(), text, do_not_quote: quote.checked, round: state ? state.cafe.round : null });
    saveOutbox();
    textarea.value = '';
    quote.checked = false;
    updateCounter();
    const item = outbox[outbox.length - 1];
    if (waitsForRound(item)) { renderOutbox(); say(S.ann_waits); } else if (conn.socket.connected) flushOutbox(); else { renderOutbox(); say(S.ann_queued); }
  });

  function updateCounter() {
    const left = textarea.maxLength - textarea.value.length;
    $('counter').textContent = fill(S.chars_left, { n: left });
    // Spoken only near the limit, and only once per step, so typing is not interrupted.
    const step = left <= 0 ? 0 : left <= 20 ? 20 : left <= 50 ? 50 : null;
    if (step !== null && step !== counterStep) $('counter-live').textContent = fill(S.chars_left, { n: left });
    counterStep = step;
  }
  textarea.addEventListener('input', updateCounter);
  updateCounter();
  renderOutbox(); // a page reopened offline still shows what is waiting

  /* ---- next round, nudges, harvest ---- */

  function renderNext() {
    const { next, cafe } = state;
    $('next').closest('section').hidden = cafe.stage === STAGE.HARVEST;
    // "the last round" only in the last round: before round 1 starts no later seat is planned yet
    if (!next && cafe.round >= cafe.rounds) $('next').textContent = S.next_none;
    else if (!next) $('next').textContent = cafe.round === 1 && cafe.status === STATUS.READY ? S.next_after_start : S.next_unplanned;
    else if (next.stay) $('next').textContent = fill(state.me.is_host ? S.next_stay : S.next_stay_guest, { label: next.table_label });
    else $('next').textContent = fill(S.next_move, { label: next.table_label, theme: next.theme });
    const left = Boolean(state.me && state.me.left);
    $('left-note').hidden = !left;
    $('left-note').textContent = left ? S.left_note : '';
    $('leave').hidden = left || cafe.stage === STAGE.HARVEST;
    $('itinerary').replaceChildren(...(state.itinerary || []).map((stop) => {
      const now = stop.round === cafe.round;
      const text = fill(S.itinerary_item, { round: stop.round, label: stop.table_label, theme: stop.theme });
      return el('li', { 'aria-current': now ? 'step' : null, class: now ? 'now' : null }, now ? `${text} ${S.itinerary_now}` : text);
    }));
  }

  $('leave').addEventListener('click', () => {
    if (!window.confirm(S.confirm_leave)) return;
    conn.send('leave_cafe', {}, (reply) => {
      if (reply.ok) conn.sync();
      else Cafe.announce(reply.message);
    });
  });

  /* A nudge is shown until its expires_at (the server's clock) or until this phone hides it. */
  function showNudge(nudge) {
    if (!nudge || nudge.at === shownNudgeAt || dismissedNudge.read().includes(nudge.at)) return;
    const left = Date.parse(nudge.expires_at) - (Date.now() + clockOffset);
    if (left <= 0) return;
    shownNudgeAt = nudge.at;
    $('nudge').textContent = `${S.nudge} ${nudge.text}`;
    $('nudge-close').hidden = false;
    clearTimeout(nudgeTimer);
    if (!Number.isNaN(left)) nudgeTimer = setTimeout(hideNudge, left);
  }

  function hideNudge() {
    clearTimeout(nudgeTimer);
    $('nudge').textContent = '';
    $('nudge-close').hidden = true;
  }

  $('nudge-close').addEventListener('click', () => {
    if (shownNudgeAt) dismissedNudge.write([shownNudgeAt]); // a reload does not bring it back
    hideNudge();
    document.getElementById('main').focus();
  });

  function showRefused(message) {
    $('refused-text').textContent = `${S.refused} (${message})`;
    $('refused').hidden = false;
  }

  function countText(n) {
    return n === 1 ? S.insight_one : fill(S.insight_count, { n });
  }

  function renderHarvest() {
    const harvest = state.harvest;
    $('harvest').hidden = !harvest;
    if (!harvest) return;
    const known = new Map(insights);
    for (const theme of harvest.themes) for (const i of theme.top_insights || []) known.set(i.id, i);
    $('harvest-summary').textContent = fill(S.harvest_summary, { people: harvest.participant_count, n: harvest.insight_count });
    $('harvest-themes').replaceChildren(...harvest.themes.map((theme) => el('section', { class: 'harvest-theme' },
      el('h3', { text: theme.theme }),
      el('p', { class: 'hint', text: countText(theme.insight_count) }),
      el('ul', { class: 'plain subthemes' }, ...theme.subthemes.map((sub) => {
        const quote = sub.quote_insight || (sub.quote && known.get(sub.quote));
        return el('li', {},
          el('p', { class: 'subtheme' }, el('strong', { text: sub.label }), ` · ${countText(sub.count !== undefined ? sub.count : (sub.insight_ids || []).length)}`),
          quote && !quote.do_not_quote ? el('blockquote', { text: quote.text }) : null);
      })),
      (theme.top_insights || []).length ? el('h4', { text: S.top_insights }) : null,
      el('ul', { class: 'top' }, ...(theme.top_insights || []).map((i) => el('li', {},
        el('span', { text: i.text }), el('span', { class: 'hint', text: ` · ${fill(S.resonated_n, { n: i.resonance })}` })))))));
  }

  /* The page arrives with this phone's state, so its table shows before the socket is up (slow
     venue Wi-Fi); the socket's own state replaces it as soon as it connects. */
  const first = document.getElementById('first-state');
  if (first && !state) {
    try { render(JSON.parse(first.textContent)); } catch (e) { /* the socket's state will come */ }
  }
})();
