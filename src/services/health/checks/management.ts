// SUPABASE_ACCESS_TOKEN (+ SUPABASE_PROJECT_REF): the Management API's project read.
import { getJson, httpFailure, joinUrl, networkFailure } from '../http.js';
import { failing, notConfigured, ok, type HealthCheck } from '../types.js';

export const DEFAULT_MANAGEMENT_API = 'https://api.supabase.com';

export const managementCheck: HealthCheck = {
  id: 'management',
  label: 'Supabase Management API',
  async run({ target, signal, fetch }) {
    const token = target.env.SUPABASE_ACCESS_TOKEN;
    const ref = target.env.SUPABASE_PROJECT_REF;
    if (!token) {
      return ref
        ? failing('SUPABASE_PROJECT_REF is set but SUPABASE_ACCESS_TOKEN is not')
        : notConfigured('set SUPABASE_ACCESS_TOKEN and SUPABASE_PROJECT_REF');
    }
    const base = joinUrl(target.env.SUPABASE_API_URL ?? DEFAULT_MANAGEMENT_API, 'v1');
    const path = ref ? `projects/${encodeURIComponent(ref)}` : 'projects';
    let answer;
    try {
      answer = await getJson(fetch, joinUrl(base, path), { authorization: `Bearer ${token}` }, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      return failing(networkFailure(err));
    }
    if (answer.status === 200) {
      if (!ref) {
        const n = Array.isArray(answer.body) ? answer.body.length : 0;
        return failing(`the token works (${n} project${n === 1 ? '' : 's'} visible) but SUPABASE_PROJECT_REF is not set`);
      }
      const p = (answer.body ?? {}) as { name?: unknown; region?: unknown; status?: unknown };
      const facts = [p.region, p.status].filter((x) => typeof x === 'string').join(', ');
      const name = typeof p.name === 'string' ? p.name : ref;
      if (p.status === 'RESTORE_FAILED' || p.status === 'INACTIVE' || p.status === 'PAUSED') {
        return failing(`project ${name} is ${String(p.status)}`);
      }
      return ok(`project ${name}${facts ? ` (${facts})` : ''}`);
    }
    if (answer.status === 401) return failing(`the access token was refused (${httpFailure(answer)})`);
    if (answer.status === 403) return failing(`the access token may not read project${ref ? ` ${ref}` : ''} (${httpFailure(answer)})`);
    if (answer.status === 404) return failing(`project${ref ? ` ${ref}` : ''} was not found for this token (HTTP 404)`);
    if (answer.status === 429) return failing('rate limited by the Management API (HTTP 429); try again in a minute');
    return failing(httpFailure(answer));
  },
};
