// What the HTTP checks share: one GET, and an HTTP failure told in one line.

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

export async function getJson(
  fetchFn: typeof fetch,
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<HttpAnswer> {
  const response = await fetchFn(url, { method: 'GET', headers: { accept: 'application/json', ...headers }, signal });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    // Not JSON: keep the text for the error line.
  }
  return { status: response.status, body };
}

/** `HTTP 500: upstream exploded` from the usual `{message}` / `{msg}` / `{error}` bodies. */
export function httpFailure(answer: HttpAnswer): string {
  const b = answer.body;
  let message = '';
  if (b && typeof b === 'object') {
    const o = b as Record<string, unknown>;
    const m = o.message ?? o.msg ?? o.error_description ?? o.error;
    if (typeof m === 'string') message = m;
  } else if (typeof b === 'string') {
    message = b.trim().split('\n')[0] ?? '';
  }
  // Not clipped here: a clipped secret would escape redaction; the runner redacts, then clips.
  return `HTTP ${answer.status}${message ? `: ${message}` : ''}`;
}

/** Joins a base URL and a path without doubling or losing the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** One line for a network error (refused, DNS, TLS), without the URL's secrets. */
export function networkFailure(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return `cannot reach the server${cause ? ` (${cause})` : e.message ? ` (${e.message})` : ''}`;
}
