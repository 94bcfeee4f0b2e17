// RESEND_API_KEY: `GET /domains`. A sending-only key is refused there with `restricted_api_key`,
// which still proves the key is real.
import { getJson, httpFailure, joinUrl, networkFailure } from '../http.js';
import { failing, notConfigured, ok, type HealthCheck } from '../types.js';

export const DEFAULT_RESEND_API = 'https://api.resend.com';

export const resendCheck: HealthCheck = {
  id: 'resend',
  label: 'Resend (email)',
  async run({ target, signal, fetch }) {
    const key = target.env.RESEND_API_KEY;
    if (!key) return notConfigured('no RESEND_API_KEY: emails are written to .agentdeck/outbox/ as .eml files');
    let answer;
    try {
      answer = await getJson(fetch, joinUrl(target.env.RESEND_BASE_URL ?? DEFAULT_RESEND_API, 'domains'), { authorization: `Bearer ${key}` }, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      return failing(networkFailure(err));
    }
    const body = (answer.body ?? {}) as { data?: unknown; name?: unknown };
    if (answer.status === 200) {
      const n = Array.isArray(body.data) ? body.data.length : 0;
      return ok(`the key is accepted (${n} domain${n === 1 ? '' : 's'})`);
    }
    if (answer.status === 401 && body.name === 'restricted_api_key') return ok('the key is accepted (sending access only)');
    if (answer.status === 401 || answer.status === 403) return failing(`the API key was refused (${httpFailure(answer)})`);
    return failing(httpFailure(answer));
  },
};
