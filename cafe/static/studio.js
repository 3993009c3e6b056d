/* Harvest studio: the facilitator curates each theme's sub-themes; the projector and phones follow.
   Keyboard first: search filters the insights; Space selects an insight, the arrow keys go from one
   to the next, M moves the selection (to the theme's "Move selected to" control), H hides it.
   Dragging an insight onto a sub-theme is an extra, never the only way. Results are announced in
   a live region. Renders every `state` in full and puts focus back where it was. User text only
   via textContent. */
'use strict';

(function () {
  const S = Cafe.strings();
  const page = Cafe.pageData();
  const el = Cafe.el;
  const $ = (id) => document.getElementById(id);

  let texts = new Map();        // insight id -> insight
  let themes = [];              // the harvest's themes as last rendered
  const selected = new Set();   // insight ids picked for a bulk action (kept across renders)
  let focusKey = null;          // data-key of the control to focus after the next render
  let uid = 0;
  let searchTimer = null;

  const fmt = Cafe.fill;
  function short(text, n) {
    return text.length > n ? text.slice(0, n - 1) + '…' : text;
  }
  function nextId(prefix) { uid += 1; return `${prefix}-${uid}`; }

  function showError(message) {
    $('errors').replaceChildren(message ? el('p', {}, message) : '');
  }

  const conn = Cafe.connect({ role: 'facilitator', host_token: page.host_token }, {
    state: render,
    refused: (message) => showError(message || S.refused),
  });

  /* One edit (or, with `many`, a list of insight edits); the server re-broadcasts cafe_changed and we sync at once. */
  function send(event, theme, payload, done, thenFocus) {
    showError('');
    conn.send(event, Object.assign({ theme: theme.theme, version: theme.version }, payload), (reply) => {
      if (reply.ok) {
        // A second edit may come before the sync below redraws the page: it must carry this version.
        theme.version = reply.version;
        focusKey = thenFocus ? thenFocus(reply) : focusKey;
        Cafe.announce(done);
      } else {
        showError(reply.message);
        Cafe.announce(reply.message);
      }
      conn.sync();
    });
  }
  function curate(theme, op, fields, done, thenFocus) {
    send('curate', theme, Object.assign({ op }, fields), done, thenFocus);
  }

  function button(label, key, onclick, extra) {
    return el('button', Object.assign({ type: 'button', class: 'secondary', 'data-key': key, onclick }, extra || {}), ...[].concat(label));
  }
  function hint(text) { return el('span', { class: 'visually-hidden' }, text); }

  function labelled(labelText, control) {
    const id = control.id || nextId('c');
    control.id = id;
    return [el('label', { for: id }, labelText), control];
  }

  /* ---- selection and bulk moves ---- */
  function selectedIn(theme) {
    const inTheme = new Set(theme.subthemes.flatMap((s) => s.insight_ids));
    return [...selected].filter((id) => inTheme.has(id));
  }
  function subOf(theme, id) { return theme.subthemes.find((s) => s.insight_ids.includes(id)); }

  function moveDone(n, label) { return fmt(n === 1 ? S.done_move_one : S.done_move_n, { n, label }); }

  /* Move these insights of a theme to a sub-theme (id), or to a new one (''). */
  function moveInsights(theme, ids, to) {
    const moving = ids.filter((id) => !to || (subOf(theme, id) || {}).id !== to);
    if (!moving.length) { showError(S.already_there); Cafe.announce(S.already_there); return; }
    const target = theme.subthemes.find((s) => s.id === to);
    const label = target ? target.label : S.new_sub;
    const clear = () => moving.forEach((id) => selected.delete(id));
    const focusFirst = () => `pick:${moving[0]}`;
    if (to) {
      clear();
      send('curate_many', theme, { ops: moving.map((id) => ({ op: 'move', insight_id: id, to })) },
        moveDone(moving.length, label), focusFirst);
      return;
    }
    // A new sub-theme: the first insight opens it, the others follow it there.
    clear();
    send('curate', theme, { op: 'move', insight_id: moving[0] }, moving.length === 1 ? moveDone(1, label) : '', (reply) => {
      const made = reply.created[0];
      if (moving.length > 1 && made) {
        send('curate_many', theme, { ops: moving.slice(1).map((id) => ({ op: 'move', insight_id: id, to: made })) },
          moveDone(moving.length, label), focusFirst);
      }
      return focusFirst();
    });
  }

  function hideInsights(theme, ids) {
    if (!ids.length) { showError(S.select_first); Cafe.announce(S.select_first); return; }
    ids.forEach((id) => selected.delete(id));
    send('curate_many', theme, { ops: ids.map((id) => ({ op: 'hide', insight_id: id })) },
      ids.length === 1 ? S.done_hide : fmt(S.done_hide_n, { n: ids.length }), () => `bulkto:${theme.theme}`);
  }

  function bulkBar(theme) {
    const key = theme.theme;
    const to = el('select', { 'data-key': `bulkto:${key}` },
      ...theme.subthemes.map((s) => el('option', { value: s.id }, s.label)), el('option', { value: '' }, S.new_sub));
    const count = el('span', { class: 'studio-count', 'data-count': key }, fmt(S.selected_n, { n: selectedIn(theme).length }));
    const moveSelected = () => {
      const ids = selectedIn(theme);
      if (!ids.length) { showError(S.select_first); Cafe.announce(S.select_first); return; }
      moveInsights(theme, ids, to.value);
    };
    to.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); moveSelected(); }
      if (event.key === 'Escape') { event.preventDefault(); focusRow(theme, selectedIn(theme)[0]); }
    });
    return el('div', { class: 'studio-bulk', role: 'group', 'aria-label': fmt(S.bulk_of, { theme: key }) },
      count,
      el('span', { class: 'studio-tool' }, ...labelled(S.bulk_move_label, to)),
      button(S.bulk_move, `bulkmove:${key}`, moveSelected, { class: 'secondary small' }),
      button(S.bulk_hide, `bulkhide:${key}`, () => hideInsights(theme, selectedIn(theme)), { class: 'secondary small' }),
      button(S.select_shown, `bulkall:${key}`, () => { shownRows(theme).forEach((row) => pick(row, true)); countSelected(); },
        { class: 'secondary small' }),
      button(S.clear_selection, `bulkclear:${key}`, () => {
        theme.subthemes.forEach((s) => s.insight_ids.forEach((id) => selected.delete(id)));
        document.querySelectorAll(`input[data-pick-theme="${CSS.escape(key)}"]`).forEach((box) => { box.checked = false; });
        countSelected();
        Cafe.announce(S.selection_cleared);
      }, { class: 'secondary small' }));
  }

  function countSelected() {
    for (const theme of themes) {
      const node = document.querySelector(`[data-count="${CSS.escape(theme.theme)}"]`);
      if (node) node.textContent = fmt(S.selected_n, { n: selectedIn(theme).length });
    }
  }
  function pick(box, on) {
    box.checked = on;
    if (on) selected.add(box.value); else selected.delete(box.value);
  }
  function shownRows(theme) {
    return Array.from(document.querySelectorAll(`input[data-pick-theme="${CSS.escape(theme.theme)}"]`))
      .filter((box) => !box.closest('li.studio-member').hidden && !box.closest('li.studio-sub').hidden);
  }
  function focusRow(theme, id) {
    const box = id && document.querySelector(`[data-key="${CSS.escape(`pick:${id}`)}"]`);
    (box || shownRows(theme)[0] || document.querySelector(`[data-key="${CSS.escape(`h:${theme.theme}`)}"]`)).focus();
  }

  /* Keys on an insight's checkbox: arrows go to the next shown insight, M moves the selection, H hides it. */
  function rowKeys(theme, event) {
    const box = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const rows = shownRows(theme);
    const at = rows.indexOf(box);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = rows[at + (event.key === 'ArrowDown' ? 1 : -1)];
      if (next) next.focus();
    } else if (event.key === 'm' || event.key === 'M') {
      event.preventDefault();
      if (!selectedIn(theme).length) { pick(box, true); countSelected(); }
      document.querySelector(`[data-key="${CSS.escape(`bulkto:${theme.theme}`)}"]`).focus();
      Cafe.announce(fmt(S.choose_target, { n: selectedIn(theme).length }));
    } else if (event.key === 'h' || event.key === 'H') {
      event.preventDefault();
      hideInsights(theme, selectedIn(theme).length ? selectedIn(theme) : [box.value]);
    }
  }

  /* ---- search ---- */
  function applySearch(announce) {
    const query = $('studio-search').value.trim().toLocaleLowerCase();
    let shown = 0;
    let total = 0;
    document.querySelectorAll('.studio-subs li.studio-member').forEach((row) => {
      const text = (texts.get(row.dataset.insight) || { text: '' }).text.toLocaleLowerCase();
      row.hidden = Boolean(query) && !text.includes(query);
      total += 1;
      shown += row.hidden ? 0 : 1;
    });
    document.querySelectorAll('li.studio-sub').forEach((sub) => {
      sub.hidden = Boolean(query) && !sub.querySelector('li.studio-member:not([hidden])');
    });
    const said = query ? fmt(S.search_count, { n: shown, m: total }) : '';
    $('search-count').textContent = said;
    if (announce && said) Cafe.announce(said);
  }
  $('studio-search').addEventListener('input', () => {
    applySearch(false);
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => applySearch(true), 600);  // say the count once typing pauses
  });

  /* ---- rendering ---- */
  function render(state) {
    const active = document.activeElement;
    const keep = active && active.dataset ? active.dataset.key : null;
    const typed = active && active.tagName === 'INPUT' && active.type === 'text' ? active.value : null;
    texts = new Map((state.insights || []).map((i) => [i.id, i]));
    const harvest = state.harvest;
    $('not-yet').hidden = Boolean(harvest);
    $('not-yet').textContent = S.not_yet;
    $('theme-nav').hidden = !harvest;
    $('studio-find').hidden = !harvest;
    if (!harvest) { $('themes').replaceChildren(); return; }
    themes = harvest.themes;
    const present = new Set(themes.flatMap((t) => t.subthemes.flatMap((s) => s.insight_ids)));
    [...selected].filter((id) => !present.has(id)).forEach((id) => selected.delete(id));
    $('theme-links').replaceChildren(...themes.map((t, i) => el('li', {}, el('a', { href: `#theme-${i}` }, t.theme))));
    $('themes').replaceChildren(...themes.map(themeSection));
    applySearch(false);
    const wanted = focusKey || keep;
    focusKey = null;
    if (!wanted) return;
    const target = document.querySelector(`[data-key="${CSS.escape(wanted)}"]`);
    if (target) {
      target.focus();
      if (typed !== null && wanted === keep && target.tagName === 'INPUT') target.value = typed;
    }
  }

  function themeSection(theme, index) {
    const head = `theme-${index}`;
    const summary = [fmt(theme.subthemes.length === 1 ? S.theme_summary_one : S.theme_summary,
      { n: theme.insight_count, m: theme.subthemes.length }),
      theme.curated ? fmt(S.curated, { v: theme.version }) : S.automatic];
    if (theme.hidden.length) summary.push(fmt(S.hidden_n, { n: theme.hidden.length }));
    const subs = theme.subthemes.map((sub) => subSection(theme, sub));
    return el('section', { class: 'card studio-theme', id: head, 'aria-labelledby': `${head}-h` },
      el('h2', { id: `${head}-h`, tabindex: '-1', 'data-key': `h:${theme.theme}` }, theme.theme),
      el('p', { class: 'hint' }, summary.join(' · ')),
      grouping(theme),
      subs.length ? bulkBar(theme) : null,
      subs.length ? el('ol', { class: 'plain studio-subs', 'aria-label': fmt(S.subthemes_of, { theme: theme.theme }) }, ...subs)
        : el('p', { class: 'hint' }, S.no_insights),
      hiddenList(theme));
  }

  function grouping(theme) {
    const k = el('input', { type: 'number', min: 1, max: 12, value: theme.k || theme.subthemes.length || 1,
      'data-key': `k:${theme.theme}`, inputmode: 'numeric' });
    return el('div', { class: 'studio-grouping', role: 'group', 'aria-label': fmt(S.grouping, { theme: theme.theme }) },
      ...labelled(S.k_label, k),
      button(S.regroup, `regroup:${theme.theme}`, () => {
        const n = Number(k.value);
        if (!Number.isInteger(n) || n < 1 || n > 12) { showError(S.k_label); k.focus(); return; }
        if (!window.confirm(fmt(S.confirm_regroup, { theme: theme.theme, k: n }))) return;
        curate(theme, 'set_k', { k: n }, fmt(S.done_set_k, { k: n }), () => `h:${theme.theme}`);
      }),
      button(S.reset, `reset:${theme.theme}`, () => {
        if (!window.confirm(fmt(S.confirm_reset, { theme: theme.theme }))) return;
        curate(theme, 'reset', {}, S.done_reset, () => `h:${theme.theme}`);
      }));
  }

  function renameForm(theme, sub, key) {
    const name = el('input', { type: 'text', value: sub.label, maxlength: 80, required: true, 'data-key': `name:${key}`, dir: 'auto' });
    return el('form', { class: 'studio-rename', onsubmit: (event) => {
      event.preventDefault();
      const label = name.value.trim();
      if (!label || label === sub.label) return;
      curate(theme, 'rename', { subtheme: sub.id, label }, fmt(S.done_rename, { label }), () => `h:${key}`);
    } }, ...labelled(S.name_label, name), el('button', { type: 'submit', 'data-key': `rename:${key}` }, S.rename));
  }

  function quoteLine(theme, sub, key) {
    const quote = sub.quote && texts.get(sub.quote);
    if (!quote) return el('p', { class: 'hint studio-quote' }, S.no_quote);
    return el('p', { class: 'studio-quote' }, el('strong', {}, S.quote), ' ', `“${quote.text}”`,
      sub.pinned ? el('span', { class: 'badge' }, S.pinned) : null,
      sub.pinned ? button(S.unpin, `unpin:${key}`, () => curate(theme, 'unpin', { subtheme: sub.id }, S.done_unpin)) : null);
  }

  /* Merging and splitting are rarer: folded away under one summary so each sub-theme stays short. */
  function moreTools(theme, sub, key) {
    const others = theme.subthemes.filter((s) => s.id !== sub.id);
    const tools = [];
    if (others.length) {
      const into = el('select', { 'data-key': `into:${key}` }, ...others.map((o) => el('option', { value: o.id }, o.label)));
      tools.push(el('span', { class: 'studio-tool' }, ...labelled(S.merge_label, into),
        button(S.merge, `merge:${key}`, () => {
          const target = others.find((o) => o.id === into.value);
          curate(theme, 'merge', { subtheme: sub.id, into: into.value }, fmt(S.done_merge, { label: target.label }),
            () => `h:${theme.theme}:${into.value}`);
        })));
    }
    if (sub.insight_ids.length > 1) {
      tools.push(button([S.split, hint(`: ${sub.label}`)], `split:${key}`,
        () => curate(theme, 'split', { subtheme: sub.id }, fmt(S.done_split, { label: sub.label }), () => `h:${key}`)));
    }
    if (!tools.length) return null;
    return el('details', { class: 'studio-more' },
      el('summary', { 'data-key': `more:${key}` }, S.more_tools, hint(`: ${sub.label}`)),
      el('div', { class: 'studio-tools' }, ...tools));
  }

  function subSection(theme, sub) {
    const key = `${theme.theme}:${sub.id}`;
    const headId = nextId('sub');
    const item = el('li', { class: 'studio-sub', 'data-sub': sub.id },
      el('article', { 'aria-labelledby': headId },
        el('div', { class: 'studio-sub-head' },
          el('h3', { id: headId, tabindex: '-1', 'data-key': `h:${key}` }, fmt(S.sub_count, { label: sub.label, n: sub.count })),
          renameForm(theme, sub, key), moreTools(theme, sub, key)),
        quoteLine(theme, sub, key),
        el('ul', { class: 'plain studio-members', 'aria-label': fmt(S.members, { label: sub.label }) },
          ...sub.insight_ids.map((id) => member(theme, sub, id)))));
    dropTarget(item, theme, sub);
    return item;
  }

  /* Drag and drop, as an extra: an insight dropped on a sub-theme moves there, with the selection if it is part of it. */
  function dropTarget(item, theme, sub) {
    item.addEventListener('dragover', (event) => {
      if (event.dataTransfer.types.includes('application/x-cafe-insight')) { event.preventDefault(); item.classList.add('drop'); }
    });
    item.addEventListener('dragleave', () => item.classList.remove('drop'));
    item.addEventListener('drop', (event) => {
      event.preventDefault();
      item.classList.remove('drop');
      const id = event.dataTransfer.getData('application/x-cafe-insight');
      if (!id || !subOf(theme, id)) return;
      moveInsights(theme, selected.has(id) ? selectedIn(theme) : [id], sub.id);
    });
  }

  function member(theme, sub, id) {
    const insight = texts.get(id) || { id, text: id, do_not_quote: false };
    const pickId = nextId('pick');
    const about = hint(`: ${short(insight.text, 60)}`);
    const isQuote = sub.quote === id;
    const box = el('input', { type: 'checkbox', id: pickId, value: id, 'data-pick-theme': theme.theme,
      'data-key': `pick:${id}`, checked: selected.has(id), 'aria-keyshortcuts': 'M H ArrowUp ArrowDown' });
    box.addEventListener('change', () => { pick(box, box.checked); countSelected(); });
    box.addEventListener('keydown', (event) => rowKeys(theme, event));
    const row = el('li', { class: 'studio-member', 'data-insight': id, draggable: 'true' },
      box, el('label', { for: pickId, class: 'studio-text' }, insight.text),
      insight.do_not_quote ? el('span', { class: 'badge' }, S.do_not_quote) : null,
      isQuote ? el('span', { class: 'badge' }, S.is_quote) : null,
      el('span', { class: 'studio-row-tools' },
        insight.do_not_quote || (isQuote && sub.pinned) ? null
          : button([S.pin, about.cloneNode(true)], `pin:${id}`, () => curate(theme, 'pin', { insight_id: id }, S.done_pin,
            () => `h:${theme.theme}:${sub.id}`), { class: 'secondary small' }),
        button([S.hide, about.cloneNode(true)], `hide:${id}`, () => curate(theme, 'hide', { insight_id: id }, S.done_hide,
          () => `h:${theme.theme}:${sub.id}`), { class: 'secondary small' })));
    row.addEventListener('dragstart', (event) => {
      event.dataTransfer.setData('application/x-cafe-insight', id);
      event.dataTransfer.effectAllowed = 'move';
    });
    return row;
  }

  function hiddenList(theme) {
    if (!theme.hidden.length) return null;
    const headId = nextId('hidden');
    return el('div', { class: 'studio-hidden' },
      el('h3', { id: headId, tabindex: '-1', 'data-key': `hidden:${theme.theme}` }, fmt(S.hidden_heading, { n: theme.hidden.length })),
      el('ul', { class: 'plain', 'aria-labelledby': headId }, ...theme.hidden.map((id) => {
        const insight = texts.get(id) || { text: id };
        return el('li', { class: 'studio-member', 'data-insight': id },
          el('span', { class: 'studio-text' }, insight.text), ' ',
          button([S.unhide, hint(`: ${short(insight.text, 60)}`)], `unhide:${id}`,
            () => curate(theme, 'unhide', { insight_id: id }, S.done_unhide, () => `h:${theme.theme}`), { class: 'secondary small' }));
      })));
  }
})();
