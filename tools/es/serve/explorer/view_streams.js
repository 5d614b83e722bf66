// #/streams?q=PREFIX&category=C: every stream, filtered by a name prefix and a category (the
// part of the name before its first '-', as the store defines it).
import { get } from './api.js';
import { h, clear, page_header, message, error_message, table, time_el } from './dom.js';
import { link, replace_params } from './route.js';

const kPage = 100;

export function category_of(stream) {
  const dash = stream.indexOf('-');
  return dash > 0 ? stream.slice(0, dash) : '';
}

export async function render(main, route) {
  const search = h('input', {
    type: 'search', id: 'stream-search', placeholder: 'Stream name prefix, e.g. account-',
    'aria-label': 'Search streams', autocomplete: 'off', spellcheck: 'false',
    value: route.params.get('q') || '',
  });
  const category = h('select', { id: 'stream-category', 'aria-label': 'Category' },
    h('option', { value: '' }, 'All categories'));
  const results = h('section', { 'aria-label': 'Streams', 'aria-live': 'polite' });
  main.append(page_header('Streams'),
    h('div', { class: 'toolbar', role: 'search' },
      h('label', { class: 'field grow' }, h('span', {}, 'Search'), search),
      h('label', { class: 'field' }, h('span', {}, 'Category'), category)),
    results);

  let timer;
  let controller;
  let after = null;
  let shown = [];

  async function load(more) {
    if (controller) controller.abort();
    controller = new AbortController();
    if (!more) {
      after = null;
      shown = [];
    }
    const params = { prefix: search.value.trim(), category: category.value, limit: kPage, after };
    replace_params(Object.fromEntries(
      [['q', params.prefix], ['category', params.category]].filter(([, v]) => v)));
    try {
      const page = await get('/api/streams', params, controller.signal);
      shown = shown.concat(page.streams || []);
      after = page.next ?? null;
      draw();
    } catch (e) {
      if (e.name !== 'AbortError') clear(results, error_message(e));
    }
  }

  function draw() {
    if (!shown.length) {
      clear(results, message('empty', 'No streams match.'));
      return;
    }
    clear(results,
      h('p', { class: 'count' }, `${shown.length}${after ? '+' : ''} stream${shown.length === 1 && !after ? '' : 's'}`),
      table('Streams', [
        ['stream', 'Stream', (name) => h('a', { href: link('streams', name), 'data-nav': true }, name)],
        ['category', 'Category', (_, row) => category_of(row.stream) || '—'],
        ['version', 'Version'],
        ['state', 'State', (state) => h('span', { class: `badge state-${state}` }, state)],
        ['updated_at', 'Updated', time_el],
      ], shown),
      after ? h('button', { type: 'button', class: 'more', onclick: () => load(true) },
        'Load more') : null);
  }

  async function fill_categories() {
    try {
      const all = await get('/api/streams', { limit: 1000 });
      const names = [...new Set((all.streams || []).map((s) => category_of(s.stream)))]
        .filter(Boolean).sort();
      for (const name of names) category.append(h('option', { value: name }, name));
      category.value = route.params.get('category') || '';
    } catch (_) {
      // The list below shows the error; the filter just stays empty.
    }
  }

  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => load(false), 150);
  });
  category.addEventListener('change', () => load(false));
  await fill_categories();
  await load(false);
  return () => {
    clearTimeout(timer);
    if (controller) controller.abort();
  };
}
