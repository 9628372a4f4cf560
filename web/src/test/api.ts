/** A fake API for component tests: answers by "METHOD /path" and records every request. */
export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

type Answer = { status?: number; body?: unknown; headers?: Record<string, string> };
type Handler = Answer | ((request: Recorded) => Answer | Promise<Answer>);

let handlers = new Map<string, Handler>();
export const requests: Recorded[] = [];

export function resetApi() {
  handlers = new Map();
  requests.length = 0;
}

/** Answer `METHOD /path` (path without query; `*` matches one segment). */
export function answer(route: string, handler: Handler) {
  handlers.set(route, handler);
}

function find(method: string, path: string): Handler | undefined {
  for (const [route, handler] of handlers) {
    const [m, pattern] = route.split(' ') as [string, string];
    if (m !== method) continue;
    const re = new RegExp(
      `^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}$`,
    );
    if (re.test(path)) return handler;
  }
  return undefined;
}

/** JSON bodies as objects; forms (an OIDC token request) as URLSearchParams. */
function parseBody(text: string, type: string): unknown {
  if (type.includes('application/x-www-form-urlencoded')) return new URLSearchParams(text);
  return JSON.parse(text) as unknown;
}

export const routeFetch: typeof fetch = async (input, init) => {
  const request = input instanceof Request ? input : new Request(input, init);
  const url = new URL(request.url);
  const text = request.method === 'GET' ? '' : await request.text();
  const recorded: Recorded = {
    method: request.method,
    path: url.pathname,
    query: url.searchParams,
    headers: request.headers,
    body: text ? parseBody(text, request.headers.get('Content-Type') ?? '') : undefined,
  };
  requests.push(recorded);
  const handler = find(request.method, url.pathname);
  if (!handler) {
    return new Response(
      JSON.stringify({
        title: 'Not Found',
        status: 404,
        detail: `no fake for ${request.method} ${url.pathname}`,
      }),
      {
        status: 404,
        headers: { 'Content-Type': 'application/problem+json' },
      },
    );
  }
  const result = typeof handler === 'function' ? await handler(recorded) : handler;
  const status = result.status ?? 200;
  const problem = status >= 400;
  return new Response(status === 204 ? null : JSON.stringify(result.body ?? {}), {
    status,
    headers: {
      'Content-Type': problem ? 'application/problem+json' : 'application/json',
      ...result.headers,
    },
  });
};

export function problem(
  status: number,
  detail: string,
  errors?: { loc: string[]; msg: string }[],
): Answer {
  return {
    status,
    body: { type: 'about:blank', title: 'Problem', status, detail, ...(errors ? { errors } : {}) },
  };
}
