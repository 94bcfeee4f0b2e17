// A local Supabase Management API for tests: a real HTTP server that checks every request against
// the vendored spec (unknown routes, bad parameters and bodies are recorded as violations and
// answered 400/404), answers with bodies that are themselves checked against the spec, keeps a
// small in-memory project, and plays asynchronous operations (restore, network apply, replica
// setup) over a number of polls. Faults can be injected: any status (with the platform's
// `{message}` body and, for 429, the rate limit headers), a timeout (no answer) or a dropped connection.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ManagementSpec, type MatchedOperation } from './spec.js';
import { initialState, type FakeState } from './state.js';

export interface Fault {
  readonly kind: 'status' | 'timeout' | 'drop';
  readonly status?: number;
  readonly message?: string;
  /** For 429: the `x-ratelimit-reset` header, in seconds. */
  readonly resetSeconds?: number;
  /** How many matching requests it hits (default 1). */
  readonly times?: number;
  /** `METHOD /v1/template` or an operationId; every request when absent. */
  readonly match?: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly template: string | null;
  readonly operationId: string | null;
  readonly query: Record<string, string>;
  readonly body: unknown;
  readonly authorization: string | null;
}

export interface FakeManagementApi {
  readonly url: string;
  readonly token: string;
  readonly ref: string;
  readonly state: FakeState;
  readonly requests: RecordedRequest[];
  /** Spec violations by requests (ours) or by answers (the fake's); tests assert it stays empty. */
  readonly violations: string[];
  inject(fault: Fault): void;
  clearFaults(): void;
  reset(): void;
  close(): Promise<void>;
}

let spec: ManagementSpec | null = null;

export const FAKE_TOKEN = 'sbp_fake0123456789abcdef0123456789abcdef0123';
export const FAKE_REF = 'abcdefghijklmnopqrst';

export async function startFakeManagementApi(options: { polls?: number } = {}): Promise<FakeManagementApi> {
  spec ??= new ManagementSpec();
  const checker = spec;
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  let faults: { fault: Fault; left: number }[] = [];
  let state = initialState(FAKE_REF, options.polls ?? 2);
  const sockets = new Set<Socket>();
  let remaining = 120;

  const send = (res: ServerResponse, op: MatchedOperation | null, status: number, body?: unknown, headers: Record<string, string> = {}): void => {
    if (op) for (const v of checker.checkResponse(op, status, body)) violations.push(`fake answered ${op.method} ${op.template}: ${v}`);
    remaining = Math.max(0, remaining - 1);
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'x-ratelimit-limit': '120',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': '60',
      ...headers,
    });
    res.end(text);
  };

  const takeFault = (op: MatchedOperation | null, method: string): Fault | null => {
    for (const f of faults) {
      const m = f.fault.match;
      const hit = !m || (op && (m === op.operationId || m === `${method} ${op.template}`));
      if (hit && f.left > 0) {
        f.left--;
        return f.fault;
      }
    }
    return null;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      const op = checker.match(method, url.pathname);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      let badJson = false;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          badJson = true;
        }
      }
      requests.push({
        method,
        path: url.pathname,
        template: op?.template ?? null,
        operationId: op?.operationId ?? null,
        query: Object.fromEntries(url.searchParams),
        body,
        authorization: req.headers.authorization ?? null,
      });
      const fault = takeFault(op, method);
      if (fault?.kind === 'timeout') {
        // Never answers and never drops the connection (closing the fake ends it): the client's
        // own timeout must end the call, whatever Node's fetch does with the hung socket.
        return;
      }
      if (fault?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (!op) {
        violations.push(`request ${method} ${url.pathname}: no such operation in the spec`);
        return send(res, null, 404, { message: 'Cannot ' + method + ' ' + url.pathname });
      }
      if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) return send(res, op, 401, { message: 'Unauthorized' });
      const problems = badJson ? ['body: not JSON'] : checker.checkRequest(op, url.searchParams, req.headers['content-type'] ?? null, body, raw.length > 0);
      if (problems.length > 0) {
        for (const p of problems) violations.push(`request ${method} ${op.template}: ${p}`);
        return send(res, op, 400, { message: problems.join('; ') });
      }
      if (fault?.kind === 'status') {
        const status = fault.status ?? 500;
        const headers: Record<string, string> = {};
        if (status === 429) {
          headers['x-ratelimit-remaining'] = '0';
          headers['x-ratelimit-reset'] = String(fault.resetSeconds ?? 1);
        }
        return send(res, op, status, { message: fault.message ?? defaultMessage(status) }, headers);
      }
      if (op.params.ref !== state.project.ref) return send(res, op, 404, { message: 'Project not found' });
      const answer = state.handle(op, body, url.searchParams);
      send(res, op, answer.status, answer.body);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token: FAKE_TOKEN,
    ref: FAKE_REF,
    get state() {
      return state;
    },
    requests,
    violations,
    inject: (fault) => faults.push({ fault, left: fault.times ?? 1 }),
    clearFaults: () => {
      faults = [];
    },
    reset: () => {
      state = initialState(FAKE_REF, options.polls ?? 2);
      faults = [];
      requests.length = 0;
      violations.length = 0;
      remaining = 120;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function defaultMessage(status: number): string {
  switch (status) {
    case 401:
      return 'Unauthorized';
    case 402:
      return 'Feature requires a higher plan';
    case 403:
      return 'Forbidden resource';
    case 404:
      return 'Not found';
    case 422:
      return 'Unprocessable entity';
    case 429:
      return 'Rate limit exceeded';
    default:
      return 'Internal server error';
  }
}
