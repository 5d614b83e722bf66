// #/feed?from=start&type=T&category=C: the global feed, live (Server-Sent Events of
// GET /api/subscribe), newest first. By default it starts at the store's head and shows what is
// appended from now on; from=start replays the store from its first event.
import { get, subscribe } from './api.js';
import { h, clear, page_header, message, error_message } from './dom.js';
import { replace_params } from './route.js';
import { events_table, event_rows } from './view_stream.js';

const kKept = 500;

export async function render(main, route) {
  const from_start = route.params.get('from') === 'start';
  const type = route.params.get('type') || '';
  const category = route.params.get('category') || '';
  const state = h('span', { class: 'live-state', role: 'status', 'aria-label': 'Connection' },
    'connecting…');
  const pause = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false' }, 'Pause');
  const type_input = h('input', { type: 'text', 'aria-label': 'Event type', value: type,
    placeholder: 'bank.MoneyDeposited', spellcheck: 'false' });
  const category_input = h('input', { type: 'text', 'aria-label': 'Feed category', value: category,
    placeholder: 'account', spellcheck: 'false' });
  const start_box = h('input', { type: 'checkbox', checked: from_start });
  const filters = h('form', { class: 'toolbar', 'aria-label': 'Feed filters' },
    h('label', { class: 'field' }, h('span', {}, 'Type'), type_input),
    h('label', { class: 'field' }, h('span', {}, 'Category'), category_input),
    h('label', { class: 'check' }, start_box, ' Replay from the first event'),
    h('button', { type: 'submit' }, 'Apply'));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const params = new URLSearchParams();
    if (type_input.value.trim()) params.set('type', type_input.value.trim());
    if (category_input.value.trim()) params.set('category', category_input.value.trim());
    if (start_box.checked) params.set('from', 'start');
    const query = params.toString();
    location.hash = '#/feed' + (query ? '?' + query : '');
  });

  const events = events_table('Live events', { show_stream: true });
  const counter = h('span', { class: 'count' }, 'No events yet');
  const empty = message('empty', from_start ? 'Waiting for events…'
    : 'Listening. New events appear here as they are appended.');
  main.append(page_header('Live feed', h('div', { class: 'actions' }, state, pause)),
    filters, h('section', { 'aria-label': 'Feed' }, counter, empty, events));

  let after = '';
  if (!from_start) {
    try {
      after = (await get('/api/stats')).head_position || '';
    } catch (e) {
      clear(main.querySelector('section[aria-label=Feed]'), error_message(e));
      return null;
    }
  }
  let count = 0;
  let paused = false;
  let held = [];
  function show(event) {
    count += 1;
    counter.textContent = `${count.toLocaleString()} event${count === 1 ? '' : 's'}`;
    empty.hidden = true;
    const rows = event_rows(event, { show_stream: true });
    rows.classList.add('fresh');
    events.querySelector('thead').after(rows);
    const all = events.querySelectorAll('tbody');
    for (let i = kKept; i < all.length; i += 1) all[i].remove();
  }
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? `Resume` : 'Pause';
    if (!paused) {
      held.forEach(show);
      held = [];
    }
  });
  replace_params(Object.fromEntries(
    [['type', type], ['category', category], ['from', from_start ? 'start' : '']]
      .filter(([, v]) => v)));
  const stop = subscribe({ after, type, category }, (event) => {
    if (paused) {
      held.push(event);
      pause.textContent = `Resume (${held.length})`;
    } else {
      show(event);
    }
  }, (status, error) => {
    state.className = `live-state ${status}`;
    state.textContent = status === 'error' ? `error: ${error.message}` : status;
  });
  return stop;
}
