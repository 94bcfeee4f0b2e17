// SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY: the auth admin API answers only to the service role,
// so listing one user proves both the address and the key.
import { getJson, httpFailure, joinUrl, networkFailure } from '../http.js';
import { failing, notConfigured, ok, type HealthCheck } from '../types.js';

export const supabaseCheck: HealthCheck = {
  id: 'supabase',
  label: 'Supabase API',
  async run({ target, signal, fetch }) {
    const url = target.env.SUPABASE_URL;
    const key = target.env.SUPABASE_SERVICE_ROLE_KEY;
    if (!url && !key) return notConfigured('set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY');
    if (!url) return failing('SUPABASE_SERVICE_ROLE_KEY is set but SUPABASE_URL is not');
    if (!key) return failing('SUPABASE_URL is set but SUPABASE_SERVICE_ROLE_KEY is not');
    if (!/^https?:\/\//.test(url)) return failing('SUPABASE_URL must start with https:// (or http:// for a local stack)');
    let answer;
    try {
      answer = await getJson(fetch, joinUrl(url, 'auth/v1/admin/users?page=1&per_page=1'), { apikey: key, authorization: `Bearer ${key}` }, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      return failing(networkFailure(err));
    }
    if (answer.status === 200) return ok('the service role key is accepted (auth admin answered)');
    if (answer.status === 401 || answer.status === 403) {
      return failing(`the service role key was refused (${httpFailure(answer)}); is it the service_role key, not the anon key?`);
    }
    return failing(httpFailure(answer));
  },
};
