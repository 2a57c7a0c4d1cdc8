import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type { Schema } from './api/types';

/** The REST API's root, relative to the server's base URL. */
export const API_ROOT = 'mlops/api';

/** The JSON body of every error the API returns (`ErrorBody`). */
export type IAPIErrorBody = Schema<'ErrorBody'>;

/** An error from the jupyter-mlops REST API, with its HTTP status, code and field. */
export class APIError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null
  ) {
    super(message);
  }

  /**
   * Any thrown value as an `APIError`: itself when it is one, else code `client` (a bug or a
   * rejected promise in the browser) with the value's message.
   */
  static from(error: unknown): APIError {
    if (error instanceof APIError) {
      return error;
    }
    const message = error instanceof Error ? error.message : String(error);
    return new APIError(0, 'client', message);
  }

  /** The message with the field it is about, as forms and panels show it. */
  get detail(): string {
    return this.field ? `${this.message} (${this.field})` : this.message;
  }

  /** True when the server has no jupyter-mlops routes: the server extension is not enabled. */
  get extensionMissing(): boolean {
    return this.status === 404 && this.code === 'not_enabled';
  }
}

/** The `init` of a request sending `body` as JSON with `method` (`requestAPI(path, json(...))`). */
export function json(method: string, body: unknown): RequestInit {
  return { method, body: JSON.stringify(body) };
}

/**
 * Request `endPoint` (relative to `/mlops/api/`) with the server's settings (auth token and
 * XSRF included): the response when it succeeded, else an `APIError` with the status and the
 * error body's code, message and field. For answers that are files; `requestAPI` reads JSON.
 */
export async function fetchAPI(endPoint = '', init: RequestInit = {}): Promise<Response> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, API_ROOT, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new APIError(0, 'network', `cannot reach the server: ${String(error)}`);
  }
  if (!response.ok) {
    const body = parsed(await response.text()) as Partial<IAPIErrorBody> | null;
    if (response.status === 404 && !body?.error) {
      // Jupyter's own 404 page: nothing is mounted under /mlops/api.
      throw new APIError(404, 'not_enabled', 'the jupyter-mlops server extension is not enabled');
    }
    throw new APIError(
      response.status,
      body?.error ?? 'http_error',
      body?.message ?? response.statusText,
      body?.field ?? null
    );
  }
  return response;
}

/** Call the REST API (as `fetchAPI`); a JSON reply is parsed as `T` (null when empty). */
export async function requestAPI<T>(endPoint = '', init: RequestInit = {}): Promise<T> {
  const response = await fetchAPI(endPoint, init);
  return parsed(await response.text()) as T;
}

/** A reply's JSON value, or null when it is empty or not JSON. */
function parsed(text: string): unknown {
  if (text.length === 0) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
