// Small DOM helpers shared by the views: an element builder, JSON and time rendering, and the
// status line.

// h('a', {href: '#/x', class: 'row'}, 'text', child) -> <a href="#/x" class="row">text…</a>.
// Attributes named on* take a function; null/false attributes are left out.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// JSON pretty-printed with spans for keys, strings, numbers and literals (style.css colours).
export function json_block(value, label) {
  const pre = h('pre', { class: 'json', 'aria-label': label, tabindex: 0 });
  const text = JSON.stringify(value, null, 2) ?? 'null';
  const token = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  let last = 0;
  for (const m of text.matchAll(token)) {
    pre.append(text.slice(last, m.index));
    if (m[1]) {
      pre.append(h('span', { class: m[2] ? 'j-key' : 'j-str' }, m[1]));
      if (m[2]) pre.append(m[2]);
    } else if (m[3]) {
      pre.append(h('span', { class: 'j-lit' }, m[3]));
    } else {
      pre.append(h('span', { class: 'j-num' }, m[4]));
    }
    last = m.index + m[0].length;
  }
  pre.append(text.slice(last));
  return pre;
}

// "2026-12-01T14:03:07.123456Z" -> <time> showing local date and time, the exact value on hover.
export function time_el(text) {
  if (!text) return h('span', { class: 'muted' }, '—');
  const date = new Date(text);
  const shown = isNaN(date) ? text : date.toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  return h('time', { datetime: text, title: text }, shown);
}

export function page_header(title, ...extra) {
  return h('div', { class: 'page-header' }, h('h1', { id: 'page-title' }, title), ...extra);
}

export function message(kind, text) {
  return h('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function error_message(e) {
  if (e && e.code) return message('error', `${e.message} (${e.code})`);
  return message('error', String(e && e.message ? e.message : e));
}

let toast_timer;
export function toast(text) {
  const el = document.querySelector('.toast');
  el.textContent = text;
  el.classList.add('shown');
  clearTimeout(toast_timer);
  toast_timer = setTimeout(() => el.classList.remove('shown'), 2500);
}

// A table from rows of objects: the columns are given as [key, heading, render?].
export function table(label, columns, rows, row_attrs = () => ({})) {
  return h('table', { class: 'grid', 'aria-label': label },
    h('thead', {}, h('tr', {}, columns.map(([, heading]) => h('th', { scope: 'col' }, heading)))),
    h('tbody', {}, rows.map((row) => h('tr', row_attrs(row),
      columns.map(([key, , render]) => h('td', { 'data-col': key },
        render ? render(row[key], row) : cell_text(row[key])))))));
}

export function cell_text(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, '—');
  if (typeof value === 'object') return h('code', {}, JSON.stringify(value));
  return String(value);
}
