// The explorer's shell: hash routing (#/section/part?query), the navigation, and the keyboard
// (/ search, j/k or arrows through rows, Enter opens, g+letter jumps to a section, ? help).
import { get } from './api.js';
import { h, clear, error_message, toast } from './dom.js';
import { parse_route } from './route.js';
import * as streams from './view_streams.js';
import * as stream from './view_stream.js';
import * as feed from './view_feed.js';
import * as aggregates from './view_aggregates.js';
import * as tables from './view_tables.js';

const kViews = {
  streams: (route) => (route.parts.length ? stream : streams),
  feed: () => feed,
  aggregates: () => aggregates,
  projections: () => tables.projections,
  dlq: () => tables.dead_letters,
  stats: () => tables.stats,
};
const kJumps = { s: 'streams', f: 'feed', a: 'aggregates', p: 'projections', d: 'dlq', t: 'stats' };

let current = { view: null, cleanup: null };

async function render() {
  const route = parse_route(location.hash);
  const pick = kViews[route.section];
  if (current.cleanup) current.cleanup();
  current = { view: null, cleanup: null };
  for (const a of document.querySelectorAll('.nav a')) {
    if (a.dataset.section === route.section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.body.classList.remove('nav-open');
  const main = clear(document.getElementById('main'));
  if (!pick) {
    main.append(h('h1', {}, 'Not found'), h('p', {}, `No section "${route.section}".`));
    return;
  }
  const view = pick(route);
  current.view = view;
  try {
    current.cleanup = (await view.render(main, route)) || null;
  } catch (e) {
    main.append(error_message(e));
  }
  const title = main.querySelector('h1');
  document.title = title ? `${title.textContent} · es explorer` : 'es explorer';
}

function rows() {
  return [...document.querySelectorAll('#main [data-nav]')].filter((el) => el.offsetParent);
}

function move(delta) {
  const list = rows();
  if (!list.length) return;
  const at = list.indexOf(document.activeElement);
  const next = at < 0 ? (delta > 0 ? 0 : list.length - 1)
                      : Math.max(0, Math.min(list.length - 1, at + delta));
  list[next].focus();
  list[next].scrollIntoView({ block: 'nearest' });
}

function typing(target) {
  return target.closest('input, textarea, select, [contenteditable]') !== null;
}

let pending_g = false;
function on_key(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const help = document.querySelector('dialog.help');
  if (help.open) return;
  if (typing(e.target)) {
    if (e.key === 'Escape') e.target.blur();
    else if (e.key === 'ArrowDown' && e.target.type === 'search') {
      e.preventDefault();
      move(1);
    }
    return;
  }
  if (current.view && current.view.on_key && current.view.on_key(e)) {
    e.preventDefault();
    return;
  }
  if (pending_g) {
    pending_g = false;
    if (kJumps[e.key]) {
      location.hash = '#/' + kJumps[e.key];
      e.preventDefault();
    }
    return;
  }
  switch (e.key) {
    case '/': {
      const search = document.querySelector('#main input[type=search]');
      if (search) {
        e.preventDefault();
        search.focus();
        search.select();
      }
      break;
    }
    case 'j': case 'ArrowDown': e.preventDefault(); move(1); break;
    case 'k': case 'ArrowUp': e.preventDefault(); move(-1); break;
    case 'g': pending_g = true; break;
    case '?': help.showModal(); break;
    default: break;
  }
}

async function show_store() {
  try {
    const stats = await get('/api/stats');
    document.getElementById('store-name').textContent =
      `${stats.backend ?? 'store'} · ${Number(stats.events ?? 0).toLocaleString()} events`;
  } catch (_) {
    // The header line is decoration; each view reports its own errors.
  }
}

function start() {
  const menu = document.querySelector('.menu');
  menu.addEventListener('click', () => {
    const open = document.body.classList.toggle('nav-open');
    menu.setAttribute('aria-expanded', String(open));
  });
  document.querySelector('.help-button')
    .addEventListener('click', () => document.querySelector('dialog.help').showModal());
  document.addEventListener('keydown', on_key);
  window.addEventListener('hashchange', render);
  window.addEventListener('unhandledrejection', (e) => toast(String(e.reason?.message ?? e.reason)));
  if (!location.hash) history.replaceState(null, '', '#/streams');
  show_store();
  render();
}

start();
