// #/streams/NAME?direction=backward: one stream's events, newest or oldest first; each row
// expands to its data and metadata, pretty-printed.
import { get, stream_path } from './api.js';
import { h, clear, page_header, message, error_message, json_block, time_el } from './dom.js';
import { link, replace_params } from './route.js';
import { category_of } from './view_streams.js';

const kPage = 100;

export function event_details(event) {
  return h('div', { class: 'details' },
    h('dl', { class: 'facts' },
      h('dt', {}, 'Id'), h('dd', {}, h('code', {}, event.id)),
      h('dt', {}, 'Stream'), h('dd', {}, h('a', { href: link('streams', event.stream) }, event.stream)),
      h('dt', {}, 'Schema version'), h('dd', {}, String(event.schema_version)),
      event.tenant ? [h('dt', {}, 'Tenant'), h('dd', {}, event.tenant)] : null,
      h('dt', {}, 'Recorded at'), h('dd', {}, h('code', {}, event.recorded_at))),
    h('div', { class: 'payloads' },
      h('figure', {}, h('figcaption', {}, 'Data'), json_block(event.data, 'Data')),
      h('figure', {}, h('figcaption', {}, 'Metadata'), json_block(event.metadata, 'Metadata'))));
}

// One <tbody> per event: a summary row whose first cell toggles a details row.
export function event_rows(event, { show_stream = false } = {}) {
  const details = h('tr', { class: 'detail-row', hidden: true },
    h('td', { colspan: show_stream ? 6 : 5 }, event_details(event)));
  const toggle = h('button', {
    type: 'button', class: 'expander', 'data-nav': true, 'aria-expanded': 'false',
    'aria-label': `Event ${event.stream} version ${event.version}: ${event.type}`,
  }, h('span', { class: 'chevron', 'aria-hidden': 'true' }), event.type);
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    details.hidden = !open;
  });
  return h('tbody', { class: 'event' },
    h('tr', {},
      h('td', {}, toggle),
      show_stream ? h('td', {}, h('a', { href: link('streams', event.stream) }, event.stream)) : null,
      h('td', { class: 'num' }, String(event.version)),
      h('td', { class: 'num' }, h('code', {}, event.position)),
      h('td', {}, time_el(event.recorded_at)),
      h('td', {}, event.schema_version > 1 ? `v${event.schema_version}` : '')),
    details);
}

export function events_table(label, { show_stream = false } = {}) {
  return h('table', { class: 'grid events', 'aria-label': label },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Type'),
      show_stream ? h('th', { scope: 'col' }, 'Stream') : null,
      h('th', { scope: 'col', class: 'num' }, 'Version'),
      h('th', { scope: 'col', class: 'num' }, 'Position'),
      h('th', { scope: 'col' }, 'Recorded at'),
      h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Schema')))));
}

async function aggregate_for(stream) {
  try {
    const list = await get('/api/aggregates');
    const items = Array.isArray(list) ? list : list.aggregates || [];
    return items.find((a) => a.category === category_of(stream)) || null;
  } catch (_) {
    return null;
  }
}

export async function render(main, route) {
  const name = route.parts.join('/');
  const backward = route.params.get('direction') === 'backward';
  const order = h('button', { type: 'button', class: 'secondary' },
    backward ? 'Newest first' : 'Oldest first');
  const actions = h('div', { class: 'actions' }, order);
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/streams' }, 'Streams'), ' / '),
    page_header(name, actions));
  const body = h('section', { 'aria-label': 'Events' });
  main.append(body);
  order.addEventListener('click', () => {
    location.hash = link('streams', name) + (backward ? '' : '?direction=backward');
  });

  const aggregate = await aggregate_for(name);
  if (aggregate) {
    const id = name.slice(aggregate.category.length + 1);
    actions.prepend(h('a', { class: 'button', href: link('aggregates', aggregate.name, id) },
      'Time travel'));
  }

  const events = events_table(`Events of ${name}`);
  let from = null;
  async function load() {
    const page = await get(stream_path(name), {
      from, limit: kPage, direction: backward ? 'backward' : 'forward',
    });
    for (const event of page.events || []) events.append(event_rows(event));
    from = page.next ?? null;
    return page;
  }
  try {
    const first = await load();
    if (!(first.events || []).length) {
      clear(body, message('empty', 'This stream has no events.'));
      return null;
    }
    const more = h('button', { type: 'button', class: 'more' }, 'Load more');
    more.hidden = from === null;
    more.addEventListener('click', async () => {
      await load();
      more.hidden = from === null;
    });
    clear(body, events, more);
  } catch (e) {
    clear(body, error_message(e));
  }
  replace_params(backward ? { direction: 'backward' } : {});
  return null;
}
