// A local stand-in for Supabase Auth's admin API (GoTrue), as supabase-js calls it:
// GET /auth/v1/admin/users/{id} and POST /auth/v1/admin/generate_link, with the service key.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface FakeAuth {
  readonly url: string;
  readonly links: string[];
  readonly requests: { method: string; path: string; body: unknown }[];
  close(): Promise<void>;
}

export async function startFakeAuth(serviceKey: string, users: { id: string; email: string | null }[]): Promise<FakeAuth> {
  const links: string[] = [];
  const requests: FakeAuth['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      const path = (req.url ?? '').split('?')[0] ?? '';
      requests.push({ method: req.method ?? '', path, body });
      const send = (status: number, json: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== `Bearer ${serviceKey}` || req.headers.apikey !== serviceKey) {
        return send(401, { code: 401, error_code: 'bad_jwt', msg: 'invalid JWT: unable to parse or verify signature' });
      }
      const user = /^\/auth\/v1\/admin\/users\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && user) {
        const found = users.find((u) => u.id === user[1]);
        if (!found) return send(404, { code: 404, error_code: 'user_not_found', msg: 'User not found' });
        return send(200, { id: found.id, aud: 'authenticated', role: 'authenticated', email: found.email ?? '', app_metadata: {}, user_metadata: {}, created_at: '2026-01-01T00:00:00Z' });
      }
      if (req.method === 'POST' && path === '/auth/v1/admin/generate_link') {
        const email = String((body as { email?: string } | null)?.email ?? '');
        const found = users.find((u) => u.email === email);
        if (!found) return send(404, { code: 404, error_code: 'user_not_found', msg: 'User not found' });
        const token = randomBytes(20).toString('hex');
        const link = `${`http://${req.headers.host}`}/auth/v1/verify?token=${token}&type=magiclink&redirect_to=http://localhost:3000`;
        links.push(link);
        return send(200, {
          action_link: link,
          email_otp: '123456',
          hashed_token: token,
          redirect_to: 'http://localhost:3000',
          verification_type: 'magiclink',
          id: found.id,
          aud: 'authenticated',
          email: found.email,
          app_metadata: {},
          user_metadata: {},
        });
      }
      return send(404, { code: 404, msg: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    links,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
