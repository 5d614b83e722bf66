// #/projections, #/dlq and #/stats: the subscriptions' checkpoints with their lag, the parked
// (dead-lettered) events, and the store's figures.
import { get } from './api.js';
import { h, page_header, message, table, time_el, cell_text } from './dom.js';
import { link } from './route.js';

// The list inside a response: the body itself when it is an array, else its first array field.
function rows_of(body) {
  if (Array.isArray(body)) return body;
  const found = Object.values(body || {}).find(Array.isArray);
  return found || [];
}

function lag_badge(behind, row) {
  if (behind === undefined || behind === null) return cell_text(behind);
  const kind = row.caught_up || Number(behind) === 0 ? 'ok' : Number(behind) > 1000 ? 'bad' : 'warn';
  return h('span', { class: `badge lag-${kind}` }, Number(behind).toLocaleString());
}

export const projections = {
  async render(main) {
    main.append(page_header('Projections'),
      h('p', { class: 'lead' }, 'Subscriptions and their checkpoints: how far each has read, and how many events it is behind the head.'));
    const items = rows_of(await get('/api/projections'));
    if (!items.length) {
      main.append(message('empty', 'No subscription has stored a checkpoint yet.'));
      return null;
    }
    main.append(table('Projections', [
      ['name', 'Name', (name) => h('strong', { tabindex: 0, 'data-nav': true }, name)],
      ['position', 'Position', (p) => h('code', {}, p ?? '—')],
      ['head', 'Head', (p) => h('code', {}, p ?? '—')],
      ['events_behind', 'Lag (events)', lag_badge],
      ['caught_up', 'Caught up', (v) => (v ? 'yes' : 'no')],
      ['updated_at', 'Updated', time_el],
    ], items));
    return null;
  },
};

export const dead_letters = {
  async render(main) {
    main.append(page_header('Dead letters'),
      h('p', { class: 'lead' }, 'Events a subscription gave up on, with the error it raised.'));
    const items = rows_of(await get('/api/dlq'));
    if (!items.length) {
      main.append(message('empty', 'No dead letters. Every subscription handled every event.'));
      return null;
    }
    main.append(table('Dead letters', [
      ['subscription', 'Subscription'],
      ['stream', 'Stream', (s, row) => h('a', { href: link('streams', s), 'data-nav': true },
        `${s} @ ${row.version}`)],
      ['type', 'Type'],
      ['error', 'Error', (e) => h('span', { class: 'error-text' }, e)],
      ['attempts', 'Attempts'],
      ['redeliver', 'Redeliver', (v) => (v ? 'queued' : 'no')],
      ['parked_at', 'Parked', time_el],
    ], items));
    return null;
  },
};

function figure(label, value) {
  return h('div', { class: 'figure', role: 'group', 'aria-label': label },
    h('span', { class: 'figure-label' }, label),
    h('span', { class: 'figure-value' }, value));
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Number(n);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

export const stats = {
  async render(main) {
    const s = await get('/api/stats');
    const number = (v) => (typeof v === 'number' ? v.toLocaleString() : cell_text(v));
    const known = new Set(['backend', 'events', 'streams', 'live_streams', 'deleted_streams',
      'tombstoned_streams', 'storage_bytes', 'head_position', 'first_recorded_at', 'last_recorded_at']);
    main.append(page_header('Stats'),
      h('div', { class: 'figures' },
        figure('Events', number(s.events)),
        figure('Streams', number(s.streams)),
        figure('Live streams', number(s.live_streams)),
        figure('Deleted', number(s.deleted_streams)),
        figure('Tombstoned', number(s.tombstoned_streams)),
        figure('Storage', s.storage_bytes === undefined ? '—' : bytes(s.storage_bytes))),
      h('section', { class: 'card' },
        h('dl', { class: 'facts' },
          h('dt', {}, 'Backend'), h('dd', {}, cell_text(s.backend)),
          h('dt', {}, 'Head position'), h('dd', {}, h('code', {}, s.head_position ?? '—')),
          h('dt', {}, 'First event'), h('dd', {}, time_el(s.first_recorded_at)),
          h('dt', {}, 'Last event'), h('dd', {}, time_el(s.last_recorded_at)),
          Object.entries(s).filter(([k]) => !known.has(k))
            .map(([k, v]) => [h('dt', {}, k), h('dd', {}, cell_text(v))]))));
    return null;
  },
};
