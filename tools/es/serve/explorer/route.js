// Hash routes: #/section/part/part?query, every part one encoded path segment, so a view can be
// linked and reloaded.

export function parse_route(hash) {
  const text = hash.replace(/^#\/?/, '');
  const [path, query = ''] = text.split('?');
  const [section = 'streams', ...parts] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { section, parts, params: new URLSearchParams(query) };
}

// '#/streams/' + 'a/b' -> '#/streams/a%2Fb': every part is one path segment.
export function link(section, ...parts) {
  return '#/' + [section, ...parts.map(encodeURIComponent)].join('/');
}

// Changes the query of the current route without a new history entry or a re-render.
export function replace_params(params) {
  const route = parse_route(location.hash);
  const query = new URLSearchParams(params).toString();
  const hash = link(route.section, ...route.parts) + (query ? '?' + query : '');
  history.replaceState(null, '', hash);
}
