import { DependencyList, useCallback, useEffect, useRef, useState } from 'react';

import { APIError } from '../request';

/** A request's state in a component: the data, the error (never turned into an empty list). */
export interface IRequestState<T> {
  data: T | null;
  error: APIError | null;
  loading: boolean;
  /** Read again (keeps showing the data meanwhile). */
  reload(): void;
}

/**
 * Run `load` when the component mounts and whenever `deps` or `refresh` change, and give its
 * state. `deps` say which object is read (new deps start from empty); `refresh` says the same
 * object may have changed (e.g. a live run's version): its data stays on screen meanwhile.
 *
 * An answer that arrives after `deps` changed again (or after unmount) is dropped, so a slow
 * earlier request never overwrites a newer one. A `load` of null means "nothing to read":
 * no request is made and the state is `{data: null, error: null, loading: false}`.
 */
export function useRequest<T>(
  load: (() => Promise<T>) | null,
  deps: DependencyList,
  refresh: unknown = null
): IRequestState<T> {
  const [state, setState] = useState<{ data: T | null; error: APIError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: load !== null
  });
  const [generation, setGeneration] = useState(0);
  const current = useRef(0);
  const lastDeps = useRef<DependencyList | null>(null);

  useEffect(() => {
    const request = ++current.current;
    if (load === null) {
      lastDeps.current = deps;
      setState({ data: null, error: null, loading: false });
      return;
    }
    // A reload or a refresh keeps the data on screen; new deps (another object) start empty.
    const previousDeps = lastDeps.current;
    const keep =
      previousDeps !== null &&
      previousDeps.length === deps.length &&
      previousDeps.every((value, index) => Object.is(value, deps[index]));
    lastDeps.current = deps;
    setState(previous =>
      keep ? { ...previous, loading: true } : { data: null, error: null, loading: true }
    );
    load().then(
      data => {
        if (request === current.current) {
          setState({ data, error: null, loading: false });
        }
      },
      error => {
        if (request === current.current) {
          setState(previous => ({
            data: previous.data,
            error: APIError.from(error),
            loading: false
          }));
        }
      }
    );
    return () => {
      // A newer request or an unmount: this one's answer is no longer wanted.
      if (request === current.current) {
        current.current += 1;
      }
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's `deps` say when to fetch again (`request` is a new closure every render)
  }, [...deps, generation, refresh]);

  const reload = useCallback(() => setGeneration(value => value + 1), []);
  return { ...state, reload };
}
