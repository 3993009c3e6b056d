/* The projector wall: join code, round timer, tables, a live insight stream and the harvest.
   It only watches; every piece of user text goes in through textContent (Cafe.el). */
'use strict';

(function () {
  const S = Cafe.strings();
  const page = Cafe.pageData();
  const el = Cafe.el;
  const { STAGE, STATUS } = Cafe;
  const $ = (id) => document.getElementById(id);
  const MAX_STREAM = 12;
  const NUDGE_SHOWN_S = 180;

  let cafe = null;
  let tables = [];
  let harvest = null;
  const insights = new Map();   // id -> insight, everything the wall has seen
  let clockOffset = 0;          // server time minus our time, for the age of a nudge
  let lastNudge = null;
  let staleNudgeAt = null;      // a nudge from an earlier round is no longer news
  let freshId = null;

  const fill = Cafe.fill;
  function countInsights(n) {
    return n === 1 ? S.insight_one : fill(S.insight_many, { n });
  }
  function perspectiveLabel(key) {
    if (!key || key === 'not_given') return S.not_given;
    return (S.perspective_labels || {})[key] || key;
  }
  function tableLabel(number) {
    const table = tables.find((t) => t.number === number);
    return table ? table.label : String(number);
  }
  function quotable(insight) {
    return insight && !insight.do_not_quote && typeof insight.text === 'string' && insight.text !== '';
  }

  /* ---- header: round line and timer ---- */
  function renderRound() {
    document.body.classList.toggle('is-harvest', Boolean(harvest));
    $('round-line').textContent = harvest ? S.harvest : fill(S.round_of, { n: cafe.round, m: cafe.rounds });
  }

  function tick(remaining, c) {
    const timer = $('timer');
    const label = $('timer-label');
    let big = Cafe.formatSeconds(Math.max(0, remaining || 0));
    let small = '';
    let state = c.status;
    if (harvest || c.stage === STAGE.HARVEST) { big = ''; state = STAGE.HARVEST; }
    else if (c.status === STATUS.READY) { small = S.starting_soon; big = Cafe.formatSeconds(c.duration_s || 0); }
    else if (c.status === STATUS.PAUSED) small = S.paused;
    else if (c.status === STATUS.ENDED) { small = S.round_over; big = '0:00'; }
    else if (c.status === STATUS.RUNNING && remaining <= 0) { big = S.times_up; state = 'overtime'; }
    timer.textContent = big;
    timer.hidden = big === '';
    timer.classList.toggle('overtime', state === 'overtime');
    label.textContent = small;
    label.hidden = small === '';
    $('wall').dataset.status = state;
    warnTime(remaining, c);
    renderNudge();
  }
  const countdown = new Cafe.Countdown(tick);

  /* The room's screen reader hears a summary every few seconds at most, and the time warnings. */
  const noteInsight = Cafe.summary('insight-live', (counts) => {
    const parts = [...counts].map(([label, c]) => fill(S.table_count, { label, n: c.n }));
    const n = [...counts.values()].reduce((sum, c) => sum + c.n, 0);
    return n === 1 ? fill(S.new_one, { label: counts.keys().next().value }) : fill(S.new_summary, { n, tables: parts.join(', ') });
  }, 8000);
  let lastLeft = null;
  function warnTime(remaining, c) {
    if (c.status !== STATUS.RUNNING || harvest) { lastLeft = null; return; }
    if (lastLeft !== null && lastLeft > 120 && remaining <= 120 && remaining > 0) Cafe.announce(S.two_minutes);
    if (lastLeft !== null && lastLeft > 0 && remaining <= 0) Cafe.announce(S.times_up);
    lastLeft = remaining;
  }

  /* ---- nudge banner: the newest nudge, for a few minutes ---- */
  function renderNudge() {
    const banner = $('nudge');
    const at = lastNudge ? Date.parse(lastNudge.at) : NaN;
    const age = (Date.now() + clockOffset - at) / 1000;
    // the server's expires_at when it sent one (the same lifetime as on phones), else a few minutes
    const until = lastNudge && lastNudge.expires_at ? (Date.parse(lastNudge.expires_at) - at) / 1000 : NUDGE_SHOWN_S;
    const show = Boolean(lastNudge) && !harvest && lastNudge.at !== staleNudgeAt && (Number.isNaN(at) || age < until);
    if (show && banner.textContent !== lastNudge.text) banner.textContent = lastNudge.text;
    banner.hidden = !show;
  }

  /* ---- tables strip ---- */
  function renderTables() {
    const list = $('tables');
    const few = tables.length <= 4;
    list.dataset.count = String(tables.length);
    list.replaceChildren(...tables.map((t) => el('li', { class: 'wall-table', 'data-table': t.number },
      el('span', { class: 'wall-table-label', 'aria-hidden': 'true' }, t.label),
      el('div', { class: 'wall-table-body' },
        el('span', { class: 'visually-hidden' }, fill(S.table, { label: t.label })),
        el('p', { class: 'wall-table-theme' }, t.theme || ''),
        few && t.question ? el('p', { class: 'wall-table-question' }, t.question) : null),
      el('span', { class: 'wall-table-count' }, String(t.insight_count || 0)))));
  }

  /* ---- live stream: newest quotable insights, as many as fit (at most 12) ---- */
  function newest() {
    return [...insights.values()].sort((a, b) => (a.posted_at < b.posted_at ? 1 : a.posted_at > b.posted_at ? -1 : 0));
  }

  function insightCard(insight) {
    return el('li', { class: 'wall-insight' + (insight.id === freshId ? ' is-fresh' : ''), 'data-id': insight.id },
      el('p', { class: 'wall-insight-text' }, insight.text),
      el('p', { class: 'wall-insight-meta' },
        el('span', { class: 'wall-insight-table' }, insight.table_label || tableLabel(insight.table)),
        el('span', { class: 'wall-insight-theme' }, insight.theme || ''),
        insight.resonance > 0
          ? el('span', { class: 'wall-insight-resonance' }, fill(S.resonance, { n: insight.resonance })) : null));
  }

  function renderStream() {
    const all = newest();
    const shown = all.filter(quotable).slice(0, MAX_STREAM);
    const hidden = all.filter((i) => !quotable(i)).length;
    const list = $('stream');
    list.replaceChildren(...shown.map(insightCard));
    /* Before anything is said, the room reads the café etiquette instead of an empty stream. */
    const etiquette = (cafe && cafe.etiquette) || [];
    const showEtiquette = !shown.length && etiquette.length > 0;
    $('etiquette').hidden = !showEtiquette;
    list.hidden = showEtiquette;
    document.querySelector('.wall-stream-head').hidden = showEtiquette;
    $('etiquette-list').replaceChildren(...etiquette.map((line) => el('li', {}, line)));
    if (!shown.length && !etiquette.length) list.append(el('li', { class: 'wall-empty' }, S.no_insights));
    /* Cards that would be cut off by the bottom of the screen are dropped, not half shown. */
    const bottom = list.getBoundingClientRect().bottom;
    for (const card of [...list.children].reverse()) {
      if (list.children.length > 1 && card.getBoundingClientRect().bottom > bottom + 1) card.remove();
    }
    const parts = [countInsights(all.length)];
    if (hidden) parts.push(fill(S.not_shown, { n: hidden }));
    $('stream-count').textContent = parts.join(' · ');
  }

  /* ---- harvest ---- */
  function harvestCard(theme) {
    const subs = (theme.subthemes || []).map((sub) => {
      const quote = sub.quote_insight || insights.get(sub.quote);
      const count = sub.count ?? (sub.insight_ids || []).length;
      return el('li', { class: 'wall-sub' },
        el('p', { class: 'wall-sub-label' }, sub.label, el('span', { class: 'wall-sub-count' }, String(count))),
        quotable(quote) ? el('blockquote', { class: 'wall-quote' }, `“${quote.text}”`) : null);
    });
    const top = (theme.top_insights || [])
      .map((ref) => (typeof ref === 'string' ? insights.get(ref) : ref))
      .filter(quotable)
      .filter((i) => !(theme.subthemes || []).some((sub) => sub.quote === i.id))
      .slice(0, 3);
    return el('article', { class: 'wall-theme' },
      el('h3', {}, theme.theme, el('span', { class: 'wall-theme-count' }, countInsights(theme.insight_count || 0))),
      subs.length ? el('ul', { class: 'wall-subs plain', 'aria-label': S.sub_themes }, ...subs) : null,
      top.length ? el('div', { class: 'wall-top-insights' },
        el('h4', {}, S.top_insights),
        el('ul', { class: 'plain' }, ...top.map((i) => el('li', {},
          el('span', { class: 'wall-top-text' }, i.text),
          i.resonance > 0 ? el('span', { class: 'wall-insight-resonance' }, fill(S.resonance, { n: i.resonance })) : null)))) : null);
  }

  /* Participants' feedback as counts only: the projector is public, so no names and no notes. */
  function addFeedbackCount(card, block) {
    if (!card || !block || !(block.reflects || block.missing_count)) return;
    const parts = [];
    if (block.reflects) parts.push(block.reflects === 1 ? S.fb_reflects_one : fill(S.fb_reflects, { n: block.reflects }));
    if (block.missing_count) parts.push(block.missing_count === 1 ? S.fb_added_one : fill(S.fb_added, { n: block.missing_count }));
    card.querySelector('h3').after(el('p', { class: 'wall-feedback' }, parts.join(' · ')));
  }

  /* A theme card that is too tall for the screen loses its least important parts first. */
  function fitCard(card) {
    const droppable = () => card.querySelector('.wall-top-insights li:last-child')
      || card.querySelector('.wall-top-insights')
      || card.querySelector('.wall-sub:not(:first-child):last-child .wall-quote')
      || card.querySelector('.wall-sub:not(:first-child):last-child');
    let part = card.scrollHeight > card.clientHeight + 1 ? droppable() : null;
    while (part) {
      const parent = part.parentElement;
      part.remove();
      if (parent && parent.matches('.wall-top-insights ul') && !parent.children.length) parent.parentElement.remove();
      part = card.scrollHeight > card.clientHeight + 1 ? droppable() : null;
    }
  }

  /* Ideas heard under several themes and the questions the room raised: a strip under the themes. */
  function renderAcross() {
    const patterns = (harvest.crosscutting || []).slice(0, 3);
    const questions = (harvest.open_questions || []).slice(0, 3);
    $('across').hidden = !(patterns.length || questions.length);
    const parts = [];
    if (patterns.length) {
      parts.push(el('section', { class: 'wall-across-part' }, el('h3', {}, S.across),
        el('ul', { class: 'plain' }, ...patterns.map((p) => el('li', {}, el('strong', {}, p.label), ` · ${p.themes.join(', ')}`)))));
    }
    if (questions.length) {
      parts.push(el('section', { class: 'wall-across-part' }, el('h3', {}, S.questions),
        el('ul', { class: 'plain' }, ...questions.map((q) => el('li', {}, `“${q.text}”`)))));
    }
    $('across').replaceChildren(...parts);  // (replaceChildren would print a null as "null")
  }

  function renderHarvest() {
    $('live').hidden = Boolean(harvest);
    $('harvest').hidden = !harvest;
    if (!harvest) return;
    $('harvest-figures').textContent = [
      fill(S.people, { n: harvest.participant_count || 0 }), countInsights(harvest.insight_count || 0),
    ].join(' · ');
    const voices = Object.entries(harvest.perspectives || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    $('voices').replaceChildren(...voices.map(([key, n]) => el('li', { class: 'wall-voice' },
      el('span', { class: 'wall-voice-n' }, String(n)), perspectiveLabel(key))));
    const themes = harvest.themes || [];
    $('themes').dataset.count = String(themes.length);
    $('themes').replaceChildren(...themes.map(harvestCard));
    themes.forEach((theme, i) => addFeedbackCount($('themes').children[i], theme.feedback));
    if (harvest.feedback && harvest.feedback.reflects) $('harvest-figures').append(` · ${fill(S.fb_whole, { n: harvest.feedback.reflects })}`);
    renderAcross();
    for (const card of $('themes').children) fitCard(card);
  }

  /* ---- events ---- */
  function render() {
    renderRound();
    renderTables();
    renderHarvest();
    if (!harvest) renderStream();
    countdown.update(cafe);
  }

  function onState(state) {
    const before = cafe;
    const hadHarvest = Boolean(harvest);
    cafe = state.cafe;
    tables = state.tables || [];
    harvest = state.harvest || null;
    const parsed = Date.parse(cafe.server_now);
    if (!Number.isNaN(parsed)) clockOffset = parsed - Date.now();
    insights.clear();
    for (const insight of state.insights || []) insights.set(insight.id, insight);
    if (cafe.last_nudge) lastNudge = cafe.last_nudge;
    if (before && before.round !== cafe.round && lastNudge) staleNudgeAt = lastNudge.at;
    freshId = null;
    render();
    if (harvest && !hadHarvest && before) Cafe.announce(S.harvest_started);
    else if (before && (before.round !== cafe.round || before.status !== cafe.status)) {
      if (cafe.status === STATUS.RUNNING && before.status === STATUS.READY) Cafe.announce(fill(S.round_started, { n: cafe.round }));
      else if (cafe.status === STATUS.ENDED) Cafe.announce(cafe.round < cafe.rounds ? `${fill(S.round_ended, { n: cafe.round })} ${S.move_now}` : fill(S.round_ended, { n: cafe.round }));
    }
  }

  function onInsightPosted(insight) {
    const known = insights.has(insight.id);
    insights.set(insight.id, insight);
    if (!known) {
      const table = tables.find((t) => t.number === insight.table);
      if (table && (!cafe || insight.round === cafe.round)) table.insight_count = (table.insight_count || 0) + 1;
      freshId = insight.id;
      if (quotable(insight)) noteInsight(insight.table_label || tableLabel(insight.table));
    }
    if (!cafe) return;
    renderTables();
    if (harvest) renderHarvest(); else renderStream();
  }

  function onInsightResonated(change) {
    const insight = insights.get(change.insight_id);
    if (!insight) return;
    insight.resonance = change.resonance;
    const card = document.querySelector(`.wall-insight[data-id="${CSS.escape(change.insight_id)}"]`);
    if (card && !harvest) {
      freshId = null;  // only a new insight should flash, not one that gained a resonance
      renderStream();
    }
  }

  function onNudged(nudge) {
    lastNudge = nudge;
    renderNudge();
  }

  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (cafe && !harvest) renderStream(); }, 150);
  });

  /* The projector's controls: full screen (Fullscreen API), and the QR code hidden once everyone
     is in, remembered on this wall (this browser) for this café. */
  const qrKey = `cafe-wall-qr-hidden-${page.code}`;
  function showQr(hidden) {
    document.body.classList.toggle('qr-hidden', hidden);
    const button = $('qr-toggle');
    button.setAttribute('aria-pressed', hidden ? 'true' : 'false');
    button.textContent = hidden ? S.show_qr : S.hide_qr;
    try { if (hidden) localStorage.setItem(qrKey, '1'); else localStorage.removeItem(qrKey); } catch (e) { /* private mode */ }
  }
  let qrHidden = false;
  try { qrHidden = localStorage.getItem(qrKey) === '1'; } catch (e) { /* private mode */ }
  showQr(qrHidden);
  $('qr-toggle').addEventListener('click', () => showQr(!document.body.classList.contains('qr-hidden')));
  const full = $('fullscreen');
  if (!document.fullscreenEnabled) full.hidden = true;
  full.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else document.documentElement.requestFullscreen().catch(() => {});
  });
  document.addEventListener('fullscreenchange', () => {
    full.setAttribute('aria-pressed', document.fullscreenElement ? 'true' : 'false');
  });

  const conn = Cafe.connect({ role: 'wall', code: page.code }, {
    state: onState,
    insight_posted: onInsightPosted,
    insight_resonated: onInsightResonated,
    nudged: onNudged,
    // a clock change is drawn from the delta; a new round or the harvest changes the tables too: read them
    cafe_updated: (update) => {
      if (cafe) onState({ cafe: { ...cafe, ...update.cafe }, tables, harvest, insights: [...insights.values()] });
      if (['next_round', 'harvest_started'].includes(update.reason)) conn.sync();
    },
  }, { minSyncGapMs: 1000 });
})();
