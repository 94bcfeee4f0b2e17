// A local stand-in for the Resend API (`POST /emails`), speaking the same protocol as the
// official SDK expects: bearer auth, JSON body, `Idempotency-Key` header, errors shaped
// `{ statusCode, name, message }`. Faults are queued per request and injected in order.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

/**
 * One injected fault for the next request that reaches the server:
 * - `429`: rate limited, with `retry-after` seconds;
 * - `500`/`503`: server error;
 * - `drop`: the connection is destroyed before any response;
 * - `drop-after-accept`: the email IS accepted, then the connection is destroyed (the worst
 *   case: only the idempotency key keeps a retry from sending it twice);
 * - `422`: a validation error;
 * - `non-json-500`: an HTML error page;
 * - `echo-auth`: a 400 whose message echoes the request's `Authorization` header back (as a
 *   careless gateway does), so the caller's error handling must not store or show it.
 */
export type Fault =
  | { kind: '429'; retryAfter?: number }
  | { kind: '500' | '503' | 'non-json-500' }
  | { kind: 'drop' | 'drop-after-accept' }
  | { kind: '422'; message?: string }
  | { kind: 'echo-auth' };

export interface ReceivedEmail {
  readonly id: string;
  readonly idempotencyKey: string | null;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
}

export interface FakeResend {
  readonly url: string;
  /** Every email accepted, once per idempotency key (as Resend does for 24 h). */
  readonly accepted: ReceivedEmail[];
  /** How many times each idempotency key was accepted as a new email (must never exceed 1). */
  readonly acceptCounts: Map<string, number>;
  /** Every request, including faulted ones. */
  readonly requests: { idempotencyKey: string | null; fault: Fault['kind'] | null }[];
  /** Queue faults for the next requests, in order. */
  inject(...faults: Fault[]): void;
  /** A fault for every request whose subject contains `needle` (e.g. always invalid). */
  failWhenSubjectHas(needle: string, fault: Fault): void;
  close(): Promise<void>;
}

export const FAKE_RESEND_KEY = 're_fake_test_key_0123456789';

export async function startFakeResend(options: { apiKey?: string } = {}): Promise<FakeResend> {
  const apiKey = options.apiKey ?? FAKE_RESEND_KEY;
  const queue: Fault[] = [];
  const sticky: { needle: string; fault: Fault }[] = [];
  const byKey = new Map<string, { id: string }>();
  const accepted: ReceivedEmail[] = [];
  const acceptCounts = new Map<string, number>();
  const requests: FakeResend['requests'] = [];

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const accept = (key: string | null, body: Record<string, unknown>, auth: string | undefined): { id: string } => {
    if (key) {
      const seen = byKey.get(key);
      if (seen) return seen; // same key: same answer, no second email
    }
    const id = randomUUID();
    accepted.push({ id, idempotencyKey: key, body, authorization: auth });
    if (key) {
      byKey.set(key, { id });
      acceptCounts.set(key, (acceptCounts.get(key) ?? 0) + 1);
    }
    return { id };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === 'GET' && req.url === '/domains') {
      // What the health check asks: the key's domains.
      if (req.headers.authorization !== `Bearer ${apiKey}`) json(res, 401, { statusCode: 401, name: 'validation_error', message: 'API key is invalid' });
      else json(res, 200, { object: 'list', data: [{ id: 'd91cd9bd-1176-453e-8fc1-35364d380206', name: 'example.com', status: 'verified', region: 'us-east-1' }] });
      return;
    }
    if (req.method !== 'POST' || req.url !== '/emails') {
      json(res, 404, { statusCode: 404, name: 'not_found', message: 'The requested endpoint does not exist.' });
      return;
    }
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      requests.push({ idempotencyKey: key, fault: null });
      json(res, 401, { statusCode: 401, name: 'validation_error', message: 'API key is invalid' });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      json(res, 400, { statusCode: 400, name: 'invalid_request', message: 'Body is not JSON' });
      return;
    }
    const subject = typeof body.subject === 'string' ? body.subject : '';
    // A permanently bad email is refused before any queued fault is spent on it.
    const fault = sticky.find((s) => subject.includes(s.needle))?.fault ?? queue.shift() ?? null;
    requests.push({ idempotencyKey: key, fault: fault?.kind ?? null });
    switch (fault?.kind) {
      case '429':
        json(
          res,
          429,
          { statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests. You can only make 2 requests per second.' },
          { 'retry-after': String(fault.retryAfter ?? 1) },
        );
        return;
      case '500':
      case '503':
        json(res, Number(fault.kind), { statusCode: Number(fault.kind), name: 'internal_server_error', message: 'An unexpected error occurred.' });
        return;
      case 'non-json-500':
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body>Bad gateway</body></html>');
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'drop-after-accept':
        accept(key, body, req.headers.authorization);
        req.socket.destroy();
        return;
      case 'echo-auth':
        json(res, 400, { statusCode: 400, name: 'invalid_request', message: `Rejected request with Authorization: ${req.headers.authorization ?? '(none)'}` });
        return;
      case '422':
        json(res, 422, { statusCode: 422, name: 'validation_error', message: fault.message ?? 'Invalid `to` field.' });
        return;
      default:
        break;
    }
    if (!body.from || !body.to || !body.subject) {
      json(res, 422, { statusCode: 422, name: 'missing_required_field', message: 'Missing `from`, `to` or `subject` field.' });
      return;
    }
    json(res, 200, accept(key, body, req.headers.authorization));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    acceptCounts,
    requests,
    inject: (...faults) => queue.push(...faults),
    failWhenSubjectHas: (needle, fault) => sticky.push({ needle, fault }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
