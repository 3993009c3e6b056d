/* Harvest studio: the facilitator curates each theme's sub-themes; the projector and phones follow.
   Every action is a button or a select (no drag and drop); results are announced in a live region.
   Renders every `state` in full and puts focus back where it was. User text only via textContent. */
'use strict';

(function () {
  const S = Cafe.strings();
  const page = Cafe.pageData();
  const el = Cafe.el;
  const $ = (id) => document.getElementById(id);

  let texts = new Map();        // insight id -> insight
  let focusKey = null;          // data-key of the control to focus after the next render
  let uid = 0;

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

  /* One edit; the server re-broadcasts cafe_changed, and we sync at once as well. */
  function curate(theme, op, fields, done, thenFocus) {
    showError('');
    conn.send('curate', Object.assign({ theme: theme.theme, version: theme.version, op }, fields), (reply) => {
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

  function button(label, key, onclick, extra) {
    return el('button', Object.assign({ type: 'button', class: 'secondary', 'data-key': key, onclick }, extra || {}), ...[].concat(label));
  }
  function hint(text) { return el('span', { class: 'visually-hidden' }, text); }

  function labelled(labelText, control) {
    const id = control.id || nextId('c');
    control.id = id;
    return [el('label', { for: id }, labelText), control];
  }

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
    if (!harvest) { $('themes').replaceChildren(); return; }
    $('theme-links').replaceChildren(...harvest.themes.map((t, i) => el('li', {}, el('a', { href: `#theme-${i}` }, t.theme))));
    $('themes').replaceChildren(...harvest.themes.map(themeSection));
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
    const k = el('input', { type: 'number', min: 1, max: 12, value: theme.k || theme.subthemes.length || 1,
      'data-key': `k:${theme.theme}`, inputmode: 'numeric' });
    const grouping = el('div', { class: 'studio-grouping', role: 'group', 'aria-label': fmt(S.grouping, { theme: theme.theme }) },
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
    const subs = theme.subthemes.map((sub) => subSection(theme, sub));
    return el('section', { class: 'card studio-theme', id: head, 'aria-labelledby': `${head}-h` },
      el('h2', { id: `${head}-h`, tabindex: '-1', 'data-key': `h:${theme.theme}` }, theme.theme),
      el('p', { class: 'hint' }, summary.join(' · ')),
      grouping,
      subs.length ? el('ol', { class: 'plain studio-subs', 'aria-label': fmt(S.subthemes_of, { theme: theme.theme }) }, ...subs)
        : el('p', { class: 'hint' }, S.no_insights),
      hiddenList(theme));
  }

  function subSection(theme, sub) {
    const key = `${theme.theme}:${sub.id}`;
    const headId = nextId('sub');
    const others = theme.subthemes.filter((s) => s.id !== sub.id);
    const name = el('input', { type: 'text', value: sub.label, maxlength: 80, required: true, 'data-key': `name:${key}`, dir: 'auto' });
    const rename = el('form', { class: 'studio-rename', onsubmit: (event) => {
      event.preventDefault();
      const label = name.value.trim();
      if (!label || label === sub.label) return;
      curate(theme, 'rename', { subtheme: sub.id, label }, fmt(S.done_rename, { label }), () => `h:${key}`);
    } }, ...labelled(S.name_label, name), el('button', { type: 'submit', 'data-key': `rename:${key}` }, S.rename));
    const quote = sub.quote && texts.get(sub.quote);
    const quoteLine = quote
      ? el('p', { class: 'studio-quote' }, el('strong', {}, S.quote), ' ', `“${quote.text}”`,
        sub.pinned ? el('span', { class: 'badge' }, S.pinned) : null,
        sub.pinned ? button(S.unpin, `unpin:${key}`, () => curate(theme, 'unpin', { subtheme: sub.id }, S.done_unpin)) : null)
      : el('p', { class: 'hint' }, S.no_quote);
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
      tools.push(button(S.split_selected, `splitsel:${key}`, () => {
        const picked = Array.from(document.querySelectorAll(`input[data-pick="${CSS.escape(key)}"]:checked`)).map((c) => c.value);
        if (!picked.length) { showError(S.select); return; }
        curate(theme, 'split', { subtheme: sub.id, insight_ids: picked }, fmt(S.done_split, { label: sub.label }),
          (reply) => (reply.created[0] ? `h:${theme.theme}:${reply.created[0]}` : `h:${key}`));
      }));
    }
    return el('li', { class: 'studio-sub' },
      el('article', { 'aria-labelledby': headId },
        el('h3', { id: headId, tabindex: '-1', 'data-key': `h:${key}` }, fmt(S.sub_count, { label: sub.label, n: sub.count })),
        rename, quoteLine,
        tools.length ? el('div', { class: 'studio-tools' }, ...tools) : null,
        el('ul', { class: 'plain studio-members', 'aria-label': fmt(S.members, { label: sub.label }) },
          ...sub.insight_ids.map((id) => member(theme, sub, others, id)))));
  }

  function member(theme, sub, others, id) {
    const insight = texts.get(id) || { id, text: id, do_not_quote: false };
    const key = `${theme.theme}:${sub.id}`;
    const pickId = nextId('pick');
    const about = hint(`: ${short(insight.text, 60)}`);
    const to = el('select', { 'data-key': `to:${id}` },
      ...others.map((o) => el('option', { value: o.id }, o.label)), el('option', { value: '' }, S.new_sub));
    const isQuote = sub.quote === id;
    return el('li', { class: 'studio-member', 'data-insight': id },
      el('p', { class: 'studio-pick' },
        el('input', { type: 'checkbox', id: pickId, value: id, 'data-pick': key, 'data-key': `pick:${id}` }),
        el('label', { for: pickId, class: 'studio-text' }, insight.text)),
      el('p', { class: 'studio-badges' },
        insight.do_not_quote ? el('span', { class: 'badge' }, S.do_not_quote) : null,
        isQuote ? el('span', { class: 'badge' }, S.is_quote) : null),
      el('div', { class: 'studio-tools' },
        el('span', { class: 'studio-tool' }, ...labelled(S.move_label, to),
          button([S.move, about.cloneNode(true)], `move:${id}`, () => curate(theme, 'move',
            to.value ? { insight_id: id, to: to.value } : { insight_id: id }, S.done_move,
            (reply) => `h:${theme.theme}:${to.value || reply.created[0] || sub.id}`))),
        button([S.hide, about.cloneNode(true)], `hide:${id}`, () => curate(theme, 'hide', { insight_id: id }, S.done_hide,
          () => `h:${key}`)),
        insight.do_not_quote || (isQuote && sub.pinned) ? null
          : button([S.pin, about.cloneNode(true)], `pin:${id}`, () => curate(theme, 'pin', { insight_id: id }, S.done_pin,
            () => `h:${key}`))));
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
            () => curate(theme, 'unhide', { insight_id: id }, S.done_unhide, () => `h:${theme.theme}`)));
      })));
  }
})();
