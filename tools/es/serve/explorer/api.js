// The HTTP API of `es serve` (docs/explorer.md), as the explorer uses it. A token, when the
// server was started with --tokens, is kept in localStorage and sent as a Bearer header.

const kTokenKey = 'es-explorer-token';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function token() {
  return localStorage.getItem(kTokenKey) || '';
}

export function set_token(value) {
  if (value) localStorage.setItem(kTokenKey, value);
  else localStorage.removeItem(kTokenKey);
}

function headers(extra = {}) {
  const out = { Accept: 'application/json', ...extra };
  if (token()) out.Authorization = `Bearer ${token()}`;
  return out;
}

// "/api/streams" + {prefix: "a", limit: 50} -> "/api/streams?prefix=a&limit=50" (empty values
// are left out).
export function url(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

async function error_of(res) {
  let code = 'http_' + res.status;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch (_) {
    // Not a JSON error body: the status line says enough.
  }
  return new ApiError(res.status, code, message);
}

export async function get(path, params = {}, signal = undefined) {
  const res = await fetch(url(path, params), { headers: headers(), signal });
  if (!res.ok) throw await error_of(res);
  return res.json();
}

export function stream_path(stream) {
  return '/api/streams/' + encodeURIComponent(stream);
}

// Reads the Server-Sent Events of GET /api/subscribe and calls on_event(event JSON) for each
// one, resuming after the last position seen when the connection drops (the id: lines are
// positions). fetch() rather than EventSource, so the Authorization header can be sent.
// Returns a function that stops it.
export function subscribe(params, on_event, on_state) {
  const controller = new AbortController();
  let last_id = params.after || '';
  let stopped = false;

  async function connect() {
    const extra = { Accept: 'text/event-stream' };
    if (last_id) extra['Last-Event-ID'] = last_id;
    const res = await fetch(url('/api/subscribe', { ...params, after: last_id }), {
      headers: headers(extra),
      signal: controller.signal,
    });
    if (!res.ok) throw await error_of(res);
    on_state('live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const message = parse_block(block);
        if (message.id) last_id = message.id;
        if (message.data && (message.event === 'event' || message.event === 'message')) {
          on_event(JSON.parse(message.data));
        }
      }
    }
  }

  (async () => {
    let delay = 500;
    while (!stopped) {
      try {
        await connect();
        delay = 500;
      } catch (e) {
        if (stopped) return;
        on_state('error', e);
        if (e instanceof ApiError && e.status >= 400 && e.status < 500) return;
      }
      if (stopped) return;
      on_state('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10000);
    }
  })();

  return () => {
    stopped = true;
    controller.abort();
  };
}

function parse_block(block) {
  const message = { event: 'message', data: '', id: '' };
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') message.event = value;
    else if (field === 'id') message.id = value;
  }
  message.data = data.join('\n');
  return message;
}
