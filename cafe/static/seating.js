/* The facilitator's Seating plan: the stored plan and a proposed one side by side, with their
   quality figures; swap two people in the proposal, then apply it to the rounds not started. */
'use strict';

(function () {
  const { el, strings, pageData, announce } = window.Cafe;
  const S = strings();
  const page = pageData();
  const $ = (id) => document.getElementById(id);
  const FIGURES = ['repeat_encounters', 'theme_repeats', 'host_theme_repeats', 'max_size_gap', 'perspective_spread', 'perspective_clustered',
    'perspective_missing', 'moves_of_stayers', 'travellers_staying'];
  let plan = null;

  const fill = Cafe.fill;
  const people = () => new Map((plan ? plan.people : []).map((p) => [p.id, p]));
  const nameOf = (p) => (p && p.name) || fill(S.guest, { id: p ? p.id : '?' });

  function showError(reply) {
    $('error').replaceChildren(reply && !reply.ok ? el('p', {}, reply.message || S.timeout) : '');
  }

  function memberList(ids, byId) {
    if (!ids.length) return S.nobody;
    return el('ul', { class: 'members' }, ...ids.map((id) => {
      const p = byId.get(id);
      const mark = p && p.host_table ? ` ${S.host_mark}` : p && p.stays ? ` ${S.stays_mark}` : '';
      return el('li', { 'data-person': id }, nameOf(p) + mark);
    }));
  }

  function roundView(round, byId) {
    const head = el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, S.table), el('th', { scope: 'col' }, S.theme),
      el('th', { scope: 'col' }, S.people)));
    const body = el('tbody', {}, ...round.tables.map((t) => el('tr', { 'data-table': t.table },
      el('th', { scope: 'row' }, t.label), el('td', {}, t.theme), el('td', {}, memberList(t.members, byId)))));
    return el('section', { class: 'round', 'data-round': round.round },
      el('h3', {}, fill(S.round_n, { n: round.round }), round.started ? el('span', { class: 'badge' }, ` ${S.started}`) : null),
      el('table', { class: 'plan-table' }, el('caption', { class: 'visually-hidden' }, fill(S.round_n, { n: round.round })), head, body));
  }

  function roundsView(rounds) {
    const byId = people();
    return rounds.map((round) => roundView(round, byId));
  }

  function figures() {
    const current = plan.current.metrics;
    const draft = plan.draft ? plan.draft.metrics : null;
    $('figures').replaceChildren(...FIGURES.map((key) => el('tr', { 'data-figure': key },
      el('th', { scope: 'row' }, S[key]), el('td', {}, String(current[key])),
      el('td', {}, draft ? String(draft[key]) : '–'))));
  }

  function swapChoices() {
    const draft = plan.draft;
    const round = $('swap-round');
    const previous = Number(round.value);
    round.replaceChildren(...draft.rounds.map((r) => el('option', { value: r.round }, fill(S.round_n, { n: r.round }))));
    if (draft.rounds.some((r) => r.round === previous)) round.value = String(previous);
    const chosen = draft.rounds.find((r) => r.round === Number(round.value)) || draft.rounds[0];
    const byId = people();
    const options = [];
    for (const t of chosen ? chosen.tables : []) {
      for (const id of t.members) {
        const p = byId.get(id);
        if (p && !p.host_table && !p.stays) options.push(el('option', { value: id }, fill(S.person_at, { name: nameOf(p), label: t.label })));
      }
    }
    for (const select of [$('swap-first'), $('swap-second')]) {
      const keep = select.value;
      select.replaceChildren(...options.map((o) => o.cloneNode(true)));
      if (options.some((o) => o.value === keep)) select.value = keep;
    }
  }

  function render(next) {
    plan = next;
    $('not-planned').hidden = plan.planned;
    $('current-rounds').replaceChildren(...roundsView(plan.current.rounds));
    figures();
    const draft = plan.draft;
    $('draft-rounds').replaceChildren(...(draft ? roundsView(draft.rounds) : []));
    $('draft-note').textContent = !draft ? S.no_draft : draft.stale ? S.stale : '';
    $('swap-form').hidden = !draft || draft.stale || !draft.rounds.length;
    $('draft-buttons').hidden = !draft;
    $('apply').disabled = !draft || draft.stale;
    $('propose').disabled = $('copy').disabled = !plan.planned || plan.round >= plan.rounds;
    if (draft && !draft.stale) swapChoices();
  }

  let conn = null;
  function load() {
    conn.send('get_seating_plan', {}, (reply) => { if (reply.ok) render(reply.plan); else showError(reply); });
  }
  function act(event, payload, message) {
    conn.send(event, payload, (reply) => {
      showError(reply);
      if (!reply.ok) return;
      render(reply.plan);
      announce(typeof message === 'function' ? message() : message);
    });
  }

  conn = window.Cafe.connect({ role: 'facilitator', host_token: page.host_token }, {
    state: load,
    seating_plan_changed: load,
  });

  $('propose').addEventListener('click', () => act('propose_plan', { kind: 'replan' }, S.proposed_done));
  $('copy').addEventListener('click', () => act('propose_plan', { kind: 'copy' }, S.proposed_done));
  $('apply').addEventListener('click', () => act('apply_plan', { version: plan.draft.version }, S.applied));
  $('discard').addEventListener('click', () => act('discard_plan', {}, S.discarded));
  $('swap-round').addEventListener('change', swapChoices);
  $('swap-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const round = Number($('swap-round').value);
    const a = Number($('swap-first').value);
    const b = Number($('swap-second').value);
    if (!round || !a || !b) { showError({ ok: false, message: S.pick_two }); return; }
    const byId = people();
    act('swap_in_plan', { version: plan.draft.version, round, participant_id: a, other_id: b },
      () => fill(S.swapped, { a: nameOf(byId.get(a)), b: nameOf(byId.get(b)), n: round }));
  });
})();
