// Turns a failed Management API call into ONE clear line: what failed, and what to do.
import { CommandError } from '../../agents/types.js';
import { createRedactor } from '../secrets/redact.js';

/** Redacts token shapes (sbp_..., JWTs) from anything the platform echoes back. */
const redact = createRedactor();

export type ManagementErrorCode =
  | 'unauthorized'
  | 'payment_required'
  | 'forbidden'
  | 'not_found'
  | 'unprocessable'
  | 'bad_request'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'not_configured'
  | 'http_error';

export class ManagementApiError extends CommandError {
  constructor(
    code: ManagementErrorCode,
    message: string,
    readonly status: number | null,
    retryable = false,
  ) {
    super(code, message, retryable);
    this.name = 'ManagementApiError';
  }
}

/** The platform's error body is `{ message }`; keep it short and on one line. */
export function platformMessage(body: unknown): string {
  let text = '';
  if (typeof body === 'string') text = body;
  else if (body && typeof body === 'object') {
    const m = (body as Record<string, unknown>).message ?? (body as Record<string, unknown>).error;
    if (typeof m === 'string') text = m;
  }
  text = redact(text.replace(/\s+/g, ' ').trim());
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

export interface ErrorSubject {
  /** What was being done, in words: 'list backups'. */
  readonly what: string;
  readonly ref?: string;
}

export function httpError(subject: ErrorSubject, status: number, body: unknown, retryAfterS?: number): ManagementApiError {
  const said = platformMessage(body);
  const detail = said ? `: ${said}` : '';
  const head = `${subject.what} failed (HTTP ${status}${detail})`;
  const project = subject.ref ? `project ${subject.ref}` : 'the project';
  switch (status) {
    case 400:
      return new ManagementApiError('bad_request', `${head}: the request was refused as malformed; check the values given`, status);
    case 401:
      return new ManagementApiError(
        'unauthorized',
        `${head}: the access token was rejected; set SUPABASE_ACCESS_TOKEN to a valid personal access token (dashboard > Account > Access Tokens)`,
        status,
      );
    case 402:
      return new ManagementApiError(
        'payment_required',
        `${head}: this needs a higher plan or add-on for ${project}; upgrade it in the dashboard (Billing) and try again`,
        status,
      );
    case 403:
      return new ManagementApiError(
        'forbidden',
        `${head}: the token may not do this on ${project}; use a token of an Owner or Administrator of its organization (some operations refuse personal tokens)`,
        status,
      );
    case 404:
      return new ManagementApiError(
        'not_found',
        `${head}: not found; check SUPABASE_PROJECT_REF${subject.ref ? ` (${subject.ref})` : ''} and the id given`,
        status,
      );
    case 422:
      return new ManagementApiError('unprocessable', `${head}: the platform refused the values; correct them and try again`, status);
    case 429:
      return new ManagementApiError(
        'rate_limited',
        `${head}: rate limited (120 requests/minute); try again in ${retryAfterS ?? 60} s`,
        status,
        true,
      );
    default:
      if (status >= 500) {
        return new ManagementApiError(
          'server_error',
          `${head}: the Supabase platform had an error; try again in a few minutes (status.supabase.com)`,
          status,
          true,
        );
      }
      return new ManagementApiError('http_error', `${head}: unexpected answer from the platform`, status);
  }
}

export function transportError(subject: ErrorSubject, host: string, error: unknown, timeoutMs: number): ManagementApiError {
  if (isTimeout(error)) {
    return new ManagementApiError(
      'timeout',
      `${subject.what} failed: no answer from ${host} within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}; check the network or SUPABASE_API_URL and try again`,
      null,
      true,
    );
  }
  const reason = redact(errorReason(error));
  return new ManagementApiError(
    'network',
    `${subject.what} failed: could not reach ${host} (${reason}); check the network or SUPABASE_API_URL and try again`,
    null,
    true,
  );
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT');
}

function errorReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code;
    return code ?? cause.message;
  }
  return (error as { code?: string }).code ?? error.message;
}
