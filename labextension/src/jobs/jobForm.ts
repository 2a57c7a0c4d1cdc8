/**
 * The Schedule and Edit dialogs' form: its state, parameter texts to typed values, the request it
 * makes (pure: no rendering).
 */
import { APIError } from '../request';
import { IJobCreate, IParameter } from './model';

/** The form's state: raw texts per parameter, parsed to typed values on submit. */
export interface IForm {
  name: string;
  values: Record<string, string>;
  /** Run once now; create without running (on demand, or run by a monitor); on a schedule. */
  mode: 'now' | 'none' | 'cron';
  cron: string;
  timezone: string;
  target: 'local' | 'dask';
  gpu: boolean;
  timeout: string;
  retries: string;
  html: boolean;
}

/** A parameter's default as the text its field starts with. */
export function defaultText(parameter: IParameter): string {
  if (parameter.type === 'str' || parameter.type === 'date' || parameter.type === 'datetime') {
    return typeof parameter.default === 'string' ? parameter.default : '';
  }
  return parameter.default === null || parameter.default === undefined
    ? parameter.default_source
    : JSON.stringify(parameter.default);
}

/** A typed value from a text field; throws an APIError naming `parameters.<name>`. */
export function typedValue(parameter: IParameter, text: string): unknown {
  const field = `parameters.${parameter.name}`;
  const bad = () =>
    new APIError(0, 'client', `${parameter.name} takes a value of type ${parameter.type}`, field);
  switch (parameter.type) {
    case 'str':
    case 'date':
    case 'datetime':
      return text;
    case 'bool':
      return text === 'true';
    case 'int':
    case 'float': {
      const value = Number(text);
      if (text.trim() === '' || Number.isNaN(value)) {
        throw bad();
      }
      if (parameter.type === 'int' && !Number.isInteger(value)) {
        throw bad();
      }
      return value;
    }
    default:
      try {
        return JSON.parse(text);
      } catch {
        if (parameter.type === 'any') {
          return text;
        }
        throw bad();
      }
  }
}

/** What is wrong with a parameter's text as typed, or null (checked on every keystroke). */
export function parameterError(parameter: IParameter, text: string): string | null {
  try {
    typedValue(parameter, text);
    return null;
  } catch (error) {
    return APIError.from(error).detail;
  }
}

/**
 * The job request of `form` for the notebook at `path`: only the parameters changed from their
 * defaults, typed (throws an APIError naming a bad one).
 */
export function toRequest(path: string, parameters: IParameter[], form: IForm): IJobCreate {
  const values: Record<string, unknown> = {};
  for (const parameter of parameters) {
    const text = form.values[parameter.name];
    if (text !== undefined && text !== defaultText(parameter)) {
      values[parameter.name] = typedValue(parameter, text);
    }
  }
  return {
    notebook_path: path,
    name: form.name || null,
    parameters: values,
    schedule: form.mode === 'cron' ? form.cron : null,
    timezone: form.timezone || 'UTC',
    target: form.target,
    gpu: form.target === 'dask' && form.gpu,
    timeout_s: form.timeout ? Number(form.timeout) : null,
    retries: form.retries ? Number(form.retries) : 0,
    outputs: form.html ? ['ipynb', 'html'] : ['ipynb'],
    run_now: form.mode === 'now',
    // The server's defaults, said explicitly (the generated JobCreate lists them all).
    paused: false,
    missed_policy: 'skip',
    validate: null
  };
}

/** A stored value as the text its field shows. */
export function textOf(parameter: IParameter, value: unknown): string {
  if (typeof value === 'string' && ['str', 'date', 'datetime'].includes(parameter.type)) {
    return value;
  }
  return JSON.stringify(value);
}
