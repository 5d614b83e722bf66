// #/aggregates: the aggregates registered with a state view, and their instances.
// #/aggregates/NAME/ID?v=VERSION: time travel through one instance. Each step is one event of
// its stream and the state after it, folded by the aggregate's own code on the server; a slider,
// Previous/Next and the ←/→ (Home/End) keys move through them.
import { get } from './api.js';
import { h, clear, page_header, message, error_message, json_block, time_el, cell_text } from './dom.js';
import { link, replace_params } from './route.js';

async function registered() {
  const list = await get('/api/aggregates');
  return Array.isArray(list) ? list : list.aggregates || [];
}

async function render_list(main) {
  main.append(page_header('Aggregates'),
    h('p', { class: 'lead' }, 'Pick an instance to step through its history, event by event.'));
  const items = await registered();
  if (!items.length) {
    main.append(message('empty', 'The server has no aggregate state views registered.'));
    return null;
  }
  for (const aggregate of items) {
    const search = h('input', { type: 'search', 'aria-label': `Search ${aggregate.name} instances`,
      placeholder: `${aggregate.category}-…`, spellcheck: 'false', autocomplete: 'off' });
    const list = h('ul', { class: 'instances', 'aria-label': `${aggregate.name} instances` });
    const fill = async () => {
      const query = search.value.trim();
      const prefix = query ? (query.startsWith(`${aggregate.category}-`) ? query
        : `${aggregate.category}-${query}`) : '';
      const page = await get('/api/streams', { category: aggregate.category, prefix, limit: 200 });
      const streams = page.streams || [];
      clear(list, streams.length ? streams.map((s) => {
        const id = s.stream.slice(aggregate.category.length + 1);
        return h('li', {}, h('a', { href: link('aggregates', aggregate.name, id), 'data-nav': true },
          h('span', { class: 'instance-id' }, s.stream),
          h('span', { class: 'muted' }, `${s.version} event${s.version === 1 ? '' : 's'}`)));
      }) : h('li', { class: 'muted' }, 'No instances match.'));
    };
    search.addEventListener('input', fill);
    main.append(h('section', { class: 'card', 'aria-labelledby': `agg-${aggregate.name}` },
      h('h2', { id: `agg-${aggregate.name}` }, aggregate.name,
        h('span', { class: 'muted' }, ` · category ${aggregate.category}`)),
      h('div', { class: 'toolbar' }, h('label', { class: 'field grow' }, h('span', {}, 'Find'), search)),
      list));
    await fill();
  }
  return null;
}

// The state is the aggregate's snapshot form, named after its C++ members: "balance_" reads
// "balance".
function display_name(key) {
  return key.replace(/_$/, '');
}

function changed_keys(before, after) {
  const keys = new Set();
  for (const key of Object.keys(after || {})) {
    if (JSON.stringify((before || {})[key]) !== JSON.stringify(after[key])) keys.add(key);
  }
  return keys;
}

function state_table(state, changed, version) {
  const object = state && typeof state === 'object' && !Array.isArray(state);
  if (!object) return json_block(state, 'State');
  return h('table', { class: 'grid state', 'aria-label': 'State after this event' },
    h('caption', { class: 'sr-only' }, `State after version ${version}`),
    h('tbody', {}, Object.entries(state).map(([key, value]) => h('tr',
      { class: changed.has(key) ? 'changed' : null, 'data-field': key },
      h('th', { scope: 'row' }, display_name(key)),
      h('td', { class: typeof value === 'number' ? 'num' : null }, cell_text(value)),
      h('td', { class: 'mark' }, changed.has(key) ? h('span', { class: 'badge changed' }, 'changed') : '')))));
}

async function render_history(main, route) {
  const [name, ...rest] = route.parts;
  const id = rest.join('/');
  const items = await registered();
  const aggregate = items.find((a) => a.name === name);
  main.append(h('p', { class: 'crumbs' }, h('a', { href: '#/aggregates' }, 'Aggregates'), ` / ${name} / `));
  if (!aggregate) {
    main.append(page_header(id), message('error', `No aggregate named "${name}" is registered.`));
    return null;
  }
  const history = await get(`/api/aggregates/${encodeURIComponent(name)}/${encodeURIComponent(id)}/history`);
  const steps = history.steps || [];
  const stream = history.stream || `${aggregate.category}-${id}`;
  main.append(page_header(stream, h('div', { class: 'actions' },
    h('a', { class: 'button secondary', href: link('streams', stream) }, 'Events'))));
  if (!steps.length) {
    main.append(message('empty', 'This aggregate has no events yet.'));
    return null;
  }

  const prev = h('button', { type: 'button', 'aria-label': 'Previous event', title: 'Previous (←)' }, '←');
  const next = h('button', { type: 'button', 'aria-label': 'Next event', title: 'Next (→)' }, '→');
  const slider = h('input', { type: 'range', min: 1, max: steps.length, step: 1,
    'aria-label': 'Step through versions' });
  const where = h('output', { class: 'where', 'aria-live': 'polite', 'aria-label': 'Current step' });
  const timeline = h('ol', { class: 'timeline', 'aria-label': 'History' });
  const applied = h('section', { class: 'card', 'aria-labelledby': 'applied-title' });
  const state = h('section', { class: 'card', 'aria-labelledby': 'state-title' });
  const buttons = steps.map((step, i) => h('li', {}, h('button', {
    type: 'button', 'data-nav': true, 'aria-label': `Version ${step.version}: ${step.event.type}`,
    onclick: () => go(i),
  }, h('span', { class: 'v' }, `v${step.version}`), h('span', { class: 't' }, short_type(step.event.type)))));
  timeline.append(...buttons);
  main.append(
    h('div', { class: 'stepper', role: 'group', 'aria-label': 'Time travel' }, prev, slider, next, where),
    h('div', { class: 'travel' }, h('nav', { class: 'card timeline-card', 'aria-label': 'Versions' }, timeline),
      h('div', { class: 'panes' }, applied, state)));

  let at = -1;
  function go(i) {
    i = Math.max(0, Math.min(steps.length - 1, i));
    if (i === at) return;
    at = i;
    const step = steps[i];
    slider.value = String(i + 1);
    slider.setAttribute('aria-valuetext', `Version ${step.version} of ${steps[steps.length - 1].version}`);
    prev.disabled = i === 0;
    next.disabled = i === steps.length - 1;
    where.textContent = `Step ${i + 1} of ${steps.length} · version ${step.version}`;
    buttons.forEach((li, j) => {
      const b = li.firstChild;
      if (j === i) b.setAttribute('aria-current', 'step');
      else b.removeAttribute('aria-current');
    });
    keep_in_view(timeline.parentElement, buttons[i]);
    clear(applied,
      h('h2', { id: 'applied-title' }, 'Event applied'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Type'), h('dd', { 'aria-label': 'Event type' }, h('strong', {}, step.event.type)),
        h('dt', {}, 'Version'), h('dd', {}, String(step.version)),
        h('dt', {}, 'Position'), h('dd', {}, h('code', {}, step.position)),
        h('dt', {}, 'Recorded at'), h('dd', {}, time_el(step.recorded_at))),
      json_block(step.event.data, 'Event data'));
    clear(state,
      h('h2', { id: 'state-title' }, `State after version ${step.version}`),
      state_table(step.state, i > 0 ? changed_keys(steps[i - 1].state, step.state)
        : new Set(Object.keys(step.state || {})), step.version));
    replace_params({ v: step.version });
  }
  prev.addEventListener('click', () => go(at - 1));
  next.addEventListener('click', () => go(at + 1));
  slider.addEventListener('input', () => go(Number(slider.value) - 1));

  const wanted = Number(route.params.get('v'));
  const start = steps.findIndex((s) => s.version === wanted);
  go(start >= 0 ? start : steps.length - 1);
  return { keys: (e) => {
    const moves = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: steps.length - 1 };
    if (!(e.key in moves)) return false;
    go(moves[e.key]);
    return true;
  } };
}

// Scrolls the timeline (not the page) so that the current step is visible.
function keep_in_view(box, item) {
  const top = item.offsetTop;
  const bottom = top + item.offsetHeight;
  if (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) {
    box.scrollTop = top - (box.clientHeight - item.offsetHeight) / 2;
  }
}

function short_type(type) {
  const dot = type.lastIndexOf('.');
  return dot >= 0 ? type.slice(dot + 1) : type;
}

let keys = null;

export async function render(main, route) {
  keys = null;
  if (!route.parts.length) return render_list(main);
  const handle = await render_history(main, route).catch((e) => {
    main.append(error_message(e));
    return null;
  });
  keys = handle ? handle.keys : null;
  return () => { keys = null; };
}

export function on_key(e) {
  return keys ? keys(e) : false;
}
