// Local stand-ins for the two endpoints the health checks call outside the Management API:
// Supabase Auth's admin user list (GoTrue: `apikey` + bearer service role key, `{users, aud}`,
// errors `{code, error_code, msg}`) and Resend's `GET /domains` (`{object: 'list', data}`,
// errors `{statusCode, name, message}`). Each can be told to hang (no answer).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeHttp {
  readonly url: string;
  readonly requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  mode: 'normal' | 'hang' | 'error500';
  close(): Promise<void>;
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeHttp> {
  const sockets = new Set<Socket>();
  const fake: FakeHttp = {
    url: '',
    requests: [],
    mode: 'normal',
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    fake.requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
    if (fake.mode === 'hang') return;
    if (fake.mode === 'error500') {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html><body>Internal Server Error</body></html>');
      return;
    }
    handler(req, res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function fakeSupabaseAuth(serviceKey: string): Promise<FakeHttp> {
  return serve((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/auth/v1/admin/users') return json(res, 404, { message: 'no Route matched with those values' });
    if (req.headers.apikey !== serviceKey) return json(res, 401, { message: 'Invalid API key' });
    if (req.headers.authorization !== `Bearer ${serviceKey}`) {
      return json(res, 403, { code: 403, error_code: 'not_admin', msg: 'User not allowed' });
    }
    const perPage = Number(url.searchParams.get('per_page') ?? 50);
    json(res, 200, { users: [{ id: '00000000-0000-0000-0000-000000000001', aud: 'authenticated' }].slice(0, perPage), aud: 'authenticated' });
  });
}

export function fakeResendDomains(keys: { full: string; sendingOnly?: string }): Promise<FakeHttp> {
  return serve((req, res) => {
    if (req.url !== '/domains') return json(res, 404, { statusCode: 404, name: 'not_found', message: 'Route not found' });
    const auth = req.headers.authorization;
    if (!auth) return json(res, 401, { statusCode: 401, name: 'missing_api_key', message: 'Missing API key in the authorization header.' });
    if (keys.sendingOnly && auth === `Bearer ${keys.sendingOnly}`) {
      return json(res, 401, { statusCode: 401, name: 'restricted_api_key', message: 'This API key is restricted to only send emails' });
    }
    if (auth !== `Bearer ${keys.full}`) return json(res, 400, { statusCode: 400, name: 'validation_error', message: 'API key is invalid' });
    json(res, 200, { object: 'list', data: [{ id: 'd91cd9bd-1176-453e-8fc1-35364d380206', name: 'example.com', status: 'verified' }] });
  });
}

export function fakeProjectList(token: string): Promise<FakeHttp> {
  return serve((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { message: 'Unauthorized' });
    if (req.url === '/v1/projects') return json(res, 200, [{ id: 'abcdefghijklmnopqrst', name: 'crm' }]);
    json(res, 404, { message: 'Not found' });
  });
}
