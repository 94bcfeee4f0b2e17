import { describe, expect, it } from 'vitest';
import { httpFailure, joinUrl, networkFailure } from '../../../src/services/health/http.js';

describe('http helpers', () => {
  it('tell an HTTP failure from the usual error bodies in one line', () => {
    expect(httpFailure({ status: 401, body: { message: 'Unauthorized' } })).toBe('HTTP 401: Unauthorized');
    expect(httpFailure({ status: 403, body: { code: 403, error_code: 'not_admin', msg: 'User not allowed' } })).toBe('HTTP 403: User not allowed');
    expect(httpFailure({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid Refresh Token' } })).toBe('HTTP 400: Invalid Refresh Token');
    expect(httpFailure({ status: 500, body: { error: 'boom' } })).toBe('HTTP 500: boom');
    expect(httpFailure({ status: 502, body: '<html>\nBad gateway</html>' })).toBe('HTTP 502: <html>');
    expect(httpFailure({ status: 504, body: null })).toBe('HTTP 504');
    expect(httpFailure({ status: 500, body: { message: 42 } })).toBe('HTTP 500');
  });

  it('join a base and a path with exactly one slash', () => {
    expect(joinUrl('https://x.supabase.co/', '/auth/v1')).toBe('https://x.supabase.co/auth/v1');
    expect(joinUrl('https://api.resend.com', 'domains')).toBe('https://api.resend.com/domains');
  });

  it('name a network error by its cause', () => {
    expect(networkFailure(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }))).toBe('cannot reach the server (ENOTFOUND)');
    expect(networkFailure(Object.assign(new TypeError('fetch failed'), { cause: { message: 'certificate has expired' } }))).toBe('cannot reach the server (certificate has expired)');
    expect(networkFailure(new TypeError('fetch failed'))).toBe('cannot reach the server (fetch failed)');
    expect(networkFailure({})).toBe('cannot reach the server');
  });
});
