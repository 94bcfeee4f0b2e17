// The typed Supabase Management API client: openapi-fetch over the types generated from the
// vendored spec (management-api.d.ts), on the resilient fetch (timeouts, rate limits, retries).
// Every failure becomes a ManagementApiError with one clear line; the token never appears in one.
import createClient, { type Client } from 'openapi-fetch';
import type { paths as vendoredPaths } from './management-api.js';
import type { paths as newerPaths } from './management-api-newer.js';
import { httpError, ManagementApiError, transportError, type ErrorSubject } from './management-errors.js';
import { createResilientFetch, DEFAULT_TIMEOUT_MS, resetDelayMs, type RateLimitState, type ResilientFetchOptions } from './resilient-fetch.js';

/** The vendored spec's operations and the hand-written newer ones (management-api-newer.d.ts). */
type paths = vendoredPaths & newerPaths;
export type ManagementPaths = paths;

export const DEFAULT_API_URL = 'https://api.supabase.com';

export interface ManagementConfig {
  /** Without the `/v1` suffix: the spec's paths carry it. */
  readonly baseUrl: string;
  readonly token: string;
  /** The linked project, when SUPABASE_PROJECT_REF is set. */
  readonly ref: string | null;
}

type EnvLike = Readonly<Record<string, string | undefined>>;

/** Reads SUPABASE_API_URL, SUPABASE_ACCESS_TOKEN and SUPABASE_PROJECT_REF; null without a token. */
export function managementConfigFrom(env: EnvLike): ManagementConfig | null {
  const token = env.SUPABASE_ACCESS_TOKEN?.trim();
  if (!token) return null;
  const raw = env.SUPABASE_API_URL?.trim() || DEFAULT_API_URL;
  const baseUrl = raw.replace(/\/+$/, '').replace(/\/v1$/, '');
  const ref = env.SUPABASE_PROJECT_REF?.trim() || null;
  return { baseUrl, token, ref };
}

export const PROJECT_REF_PATTERN = /^[a-z]{20}$/;

export interface ManagementClient {
  readonly api: Client<paths>;
  readonly config: ManagementConfig;
  readonly rateLimit: Readonly<RateLimitState>;
  /** The linked project's ref, or a clear error when none is configured or it is malformed. */
  projectRef(): string;
  /**
   * Runs one openapi-fetch call and returns its data, or throws a ManagementApiError whose
   * message is one line naming `what` failed and what to do.
   */
  call<T>(what: string, request: (signal: AbortSignal) => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T>;
}

export interface ManagementClientOptions extends Omit<ResilientFetchOptions, 'fetch'> {
  readonly fetch?: (request: Request) => Promise<Response>;
  readonly signal?: AbortSignal;
}

export function createManagementClient(config: ManagementConfig, options: ManagementClientOptions = {}): ManagementClient {
  const resilient = createResilientFetch(options);
  const api = createClient<paths>({
    baseUrl: config.baseUrl,
    fetch: resilient,
    headers: { Authorization: `Bearer ${config.token}`, Accept: 'application/json', 'User-Agent': 'agentdeck' },
  });
  const host = safeHost(config.baseUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = options.signal ?? new AbortController().signal;

  const projectRef = (): string => {
    if (!config.ref) {
      throw new ManagementApiError('not_configured', 'no linked project: set SUPABASE_PROJECT_REF to the project ref (20 lowercase letters, from the dashboard URL)', null);
    }
    if (!PROJECT_REF_PATTERN.test(config.ref)) {
      throw new ManagementApiError('not_configured', `SUPABASE_PROJECT_REF "${config.ref}" is not a project ref: expected 20 lowercase letters`, null);
    }
    return config.ref;
  };

  const call = async <T>(what: string, request: (s: AbortSignal) => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> => {
    const subject: ErrorSubject = { what, ref: config.ref ?? undefined };
    let result: { data?: T; error?: unknown; response: Response };
    try {
      result = await request(signal);
    } catch (error) {
      if (signal.aborted) throw new ManagementApiError('network', `${what} cancelled`, null);
      if (error instanceof ManagementApiError) throw error;
      throw transportError(subject, host, error, timeoutMs);
    }
    const { response } = result;
    if (!response.ok) {
      const waitMs =
        resetDelayMs(response.headers.get('retry-after'), Date.now()) ?? resetDelayMs(response.headers.get('x-ratelimit-reset'), Date.now()) ?? 60_000;
      const retry = Math.max(1, Math.ceil(waitMs / 1000));
      throw httpError(subject, response.status, result.error, retry);
    }
    return result.data as T;
  };

  return { api, config, rateLimit: resilient.rateLimit, projectRef, call };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
