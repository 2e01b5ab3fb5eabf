// The desk talks only to the public API (/api/v1) and the sign-in endpoints (/auth), with the session
// cookie fleetkeepd sets at sign-in and the CSRF token it returned then on every write.
import type { ApiErrorBody, Me } from './logic';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

const CSRF_KEY = 'fk.csrf';
let csrf: string | null = sessionStorage.getItem(CSRF_KEY);

// Called when the session is gone (401) or the CSRF token is refused: the app sends the person to
// sign in and back to where they were.
let onSessionLost: () => void = () => {};
export function setSessionLostHandler(fn: () => void) {
  onSessionLost = fn;
}

export function rememberCsrf(token: string | undefined | null) {
  csrf = token ?? null;
  if (csrf) sessionStorage.setItem(CSRF_KEY, csrf);
  else sessionStorage.removeItem(CSRF_KEY);
}

async function errorBody(res: Response): Promise<ApiErrorBody> {
  try {
    const j = await res.json();
    if (j && j.error) return { code: j.error.code, message: j.error.message, details: j.error.details ?? {} };
  } catch {
    /* not JSON: described below */
  }
  return { code: 'http_' + res.status, message: `The server answered ${res.status} ${res.statusText}`, details: {} };
}

export async function request<T>(method: string, path: string, body?: unknown, opts: { quiet401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { code: 'network', message: 'fleetkeepd cannot be reached. Check the connection and try again.', details: {} });
  }
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    const type = res.headers.get('content-type') ?? '';
    return (type.includes('json') ? await res.json() : await res.text()) as T;
  }
  const err = await errorBody(res);
  if ((res.status === 401 && !opts.quiet401) || (res.status === 403 && err.code === 'csrf')) onSessionLost();
  throw new ApiError(res.status, err);
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
};

export async function me(): Promise<Me | null> {
  try {
    const m = await request<Me>('GET', '/auth/me', undefined, { quiet401: true });
    if (m.csrf) rememberCsrf(m.csrf);
    return m;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export async function login(name: string, password: string): Promise<Me> {
  const m = await request<Me>('POST', '/auth/login', { name, password }, { quiet401: true });
  rememberCsrf(m.csrf);
  return m;
}

export async function logout(): Promise<void> {
  try {
    await request('POST', '/auth/logout', undefined, { quiet401: true });
  } finally {
    rememberCsrf(null);
  }
}

// Before sign-in: whether OpenID Connect is offered, and the district's time zone.
export interface DeskOptions {
  oidc: boolean;
  timezone: string;
}
export async function deskOptions(): Promise<DeskOptions> {
  try {
    return await request<DeskOptions>('GET', '/auth/options', undefined, { quiet401: true });
  } catch {
    return { oidc: false, timezone: '' };
  }
}

// Path segment for a device reference or an id: tags may hold "/" or spaces.
export const seg = (s: string | number) => encodeURIComponent(String(s));

export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? '?' + s : '';
}
