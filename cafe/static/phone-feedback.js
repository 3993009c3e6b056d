/* The phone's word on the harvest: "this reflects our conversation" per theme, and "what is missing".
   Like insights, every press is an outbox item with an id made here, kept in localStorage and sent
   one at a time (order matters: say, withdraw, say again) until the server acknowledges it, so weak
   venue Wi-Fi never loses one nor counts it twice. Used by phone.js; user text only via textContent. */
'use strict';

window.CafeFeedback = function (conn, S, code) {
  const el = Cafe.el;
  const $ = (name) => document.querySelector(`[data-${name}]`);
  const fill = Cafe.fill;
  const kept = Cafe.storedList(`cafe-feedback-outbox-${code}`);
  let outbox = kept.read();
  let sending = false;
  let state = null;
  let builtFor = null;
  const blocks = new Map(); // theme (or '' for the whole harvest) -> its nodes

  function save() { kept.write(outbox); }
  function confirm(text) {
    const live = $('feedback-live');
    live.textContent = '';
    setTimeout(() => { live.textContent = text; }, 50);
  }
  const keyOf = (theme) => (theme === null ? '' : theme);

  /* The server's word, then what is still waiting on this phone, in the order it was pressed. */
  function reflecting(theme) {
    let on = ((state && state.feedback && state.feedback.reflects) || []).includes(theme);
    for (const item of outbox) if (item.kind === 'reflects' && item.theme === theme) on = !item.withdraw;
    return on;
  }

  function render(next) {
    state = next;
    const box = $('feedback');
    box.hidden = !next.harvest;
    if (!next.harvest) return;
    const known = new Set(((next.feedback && next.feedback.missing) || []).map((n) => n.id));
    const before = outbox.length;
    outbox = outbox.filter((item) => !known.has(item.id)); // a reply lost on the way back: the server has it
    if (outbox.length !== before) save();
    const themes = [...next.harvest.themes.map((t) => t.theme), null];
    const signature = JSON.stringify(themes);
    if (signature !== builtFor) build(themes); // rebuilt only when the themes change, so typing is never lost
    builtFor = signature;
    update();
    flush();
  }

  function build(themes) {
    blocks.clear();
    $('feedback-themes').replaceChildren(...themes.map((theme, n) => {
      const name = theme === null ? S.fb_whole : theme;
      const ids = { h: `fb-h-${n}`, text: `fb-text-${n}`, hint: `fb-hint-${n}`, quote: `fb-quote-${n}` };
      const button = el('button', { type: 'button', class: 'secondary reflects', 'aria-pressed': 'false', 'aria-describedby': ids.h,
        onclick: () => toggle(theme) }, S.fb_reflects);
      const textarea = el('textarea', { id: ids.text, rows: 3, maxlength: 300, 'aria-describedby': ids.hint, dir: 'auto' });
      const quote = el('input', { type: 'checkbox', id: ids.quote });
      const error = el('p', { class: 'error', role: 'alert' });
      const notes = el('ul', { class: 'plain my-notes', 'aria-label': fill(S.fb_my_notes, { theme: name }) });
      const form = el('form', { novalidate: true },
        el('label', { for: ids.text, text: fill(S.fb_missing_label, { theme: name }) }),
        el('p', { class: 'hint', id: ids.hint, text: S.fb_missing_hint }),
        textarea,
        el('div', { class: 'choice' }, quote, el('label', { for: ids.quote, text: S.fb_do_not_quote })),
        error,
        el('button', { type: 'submit' }, S.fb_add));
      form.addEventListener('submit', (event) => { event.preventDefault(); addNote(theme, textarea, quote, error); });
      blocks.set(keyOf(theme), { button, notes, textarea, quote, error });
      return el('section', { class: 'feedback-theme', 'aria-labelledby': ids.h },
        el('h4', { id: ids.h, text: name }), button, notes,
        el('details', { class: 'missing' }, el('summary', { text: S.fb_missing }), form));
    }));
  }

  function update() {
    for (const [key, block] of blocks) {
      const theme = key === '' ? null : key;
      block.button.setAttribute('aria-pressed', reflecting(theme) ? 'true' : 'false');
      const saved = ((state.feedback && state.feedback.missing) || []).filter((n) => n.theme === theme)
        .map((n) => el('li', { class: 'note' }, el('span', { text: n.text }), n.do_not_quote ? el('span', { class: 'tag', text: S.fb_not_quoted }) : null));
      const waiting = outbox.filter((i) => i.kind === 'missing' && i.theme === theme)
        .map((i) => el('li', { class: 'note pending' }, el('span', { text: i.text }),
          el('span', { class: 'hint status', text: sending && outbox[0] === i ? S.fb_sending : S.fb_queued })));
      block.notes.replaceChildren(...saved, ...waiting);
      block.notes.hidden = !saved.length && !waiting.length;
    }
  }

  function toggle(theme) {
    const withdraw = reflecting(theme);
    outbox.push({ id: Cafe.uuid(), kind: 'reflects', theme, withdraw });
    save();
    update();
    if (!conn.socket.connected) confirm(S.fb_queued_ann);
    flush();
  }

  function addNote(theme, textarea, quote, error) {
    const text = textarea.value.trim();
    if (!text) { error.textContent = S.fb_empty; textarea.focus(); return; }
    error.textContent = '';
    outbox.push({ id: Cafe.uuid(), kind: 'missing', theme, text, do_not_quote: quote.checked });
    save();
    textarea.value = '';
    quote.checked = false;
    update();
    if (!conn.socket.connected) confirm(S.fb_queued_ann);
    flush();
  }

  function payload(item) {
    if (item.kind === 'reflects') return { id: item.id, kind: 'reflects', theme: item.theme, withdraw: item.withdraw };
    return { id: item.id, kind: 'missing', theme: item.theme, text: item.text, do_not_quote: item.do_not_quote };
  }

  /* One at a time, oldest first: a reply that never came keeps the item at the front for the next try. */
  function flush() {
    if (sending || !outbox.length || !state || !state.harvest || !conn.socket.connected) return;
    sending = true;
    const item = outbox[0];
    update();
    conn.send('harvest_feedback', payload(item), (reply) => {
      sending = false;
      if (reply.error === 'timeout') { update(); return; }
      outbox = outbox.filter((other) => other.id !== item.id);
      save();
      if (reply.ok) remember(item, reply); else refused(item, reply.message);
      update();
      flush();
    });
  }

  function remember(item, reply) {
    const mine = state.feedback || (state.feedback = { reflects: [], missing: [] });
    mine.reflects = mine.reflects.filter((t) => t !== reply.theme);
    if (reply.reflects) mine.reflects.push(reply.theme);
    if (reply.note && !mine.missing.some((n) => n.id === reply.note.id)) mine.missing.push(reply.note);
    const name = reply.theme === null ? S.fb_whole : reply.theme;
    if (item.kind === 'missing') confirm(fill(S.fb_added_ann, { theme: name }));
    else if (!outbox.some((o) => o.kind === 'reflects' && o.theme === item.theme)) {
      confirm(fill(reply.reflects ? S.fb_reflects_ann : S.fb_withdrawn_ann, { theme: name }));
    }
  }

  /* The server said no for good: a note's words go back into its box so nothing typed is lost. */
  function refused(item, message) {
    const block = blocks.get(keyOf(item.theme));
    if (block && item.kind === 'missing' && !block.textarea.value.trim()) {
      block.textarea.value = item.text;
      block.quote.checked = Boolean(item.do_not_quote);
    }
    if (block) block.error.textContent = message;
    confirm(message);
  }

  conn.socket.on('connect', flush);
  setInterval(flush, 15000); // retries anything whose reply timed out on a live connection
  return { render, flush };
};
