import { API_METHODS, ApiError, type ApiErrorBody, type ApiMethod, type WorkbenchApi } from './api.js';

/** The outcome of one call, as it crosses a process or network boundary. */
export type CallOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ApiErrorBody };

const METHOD_SET: ReadonlySet<string> = new Set(API_METHODS);

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && METHOD_SET.has(name);
}

/**
 * Routes a named call with JSON arguments to the services. Used by both the Electron IPC handler
 * and the browser-mode HTTP server, so both refuse the same things: unknown method names, argument
 * lists that are not arrays, and anything thrown becomes a typed error body (never a stack trace).
 */
export function createDispatcher(api: WorkbenchApi): (method: unknown, args: unknown) => Promise<CallOutcome> {
  return async (method, args) => {
    if (!isApiMethod(method)) return { ok: false, error: { code: 'bad-request', message: `Unknown call "${String(method).slice(0, 60)}".` } };
    if (!Array.isArray(args) || args.length > 4) return { ok: false, error: { code: 'bad-request', message: `The arguments of ${method} must be a short list.` } };
    try {
      const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
      const value = await fn.apply(api, args);
      return { ok: true, value: value ?? null };
    } catch (err) {
      return { ok: false, error: toErrorBody(err) };
    }
  };
}

export function toErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  if (err instanceof Error && err.name === 'ModelFileError') return { code: 'bad-request', message: err.message };
  return { code: 'internal', message: `Internal error (please report it): ${err instanceof Error ? err.message : String(err)}` };
}
