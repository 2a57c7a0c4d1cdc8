import { ISignal, Signal } from '@lumino/signaling';
import { useEffect, useState } from 'react';

/** The kinds of server objects a user action changes and several views show. */
export type ObjectKind = 'model' | 'endpoint' | 'job' | 'monitor' | 'experiment' | 'cluster';

/** One change a user action made: what kind of object, and its name or id. */
export interface IObjectChange {
  kind: ObjectKind;
  name: string;
}

/**
 * The frontend's change bus. A user action (Promote, Rollback, Delete...) announces the
 * objects its answer changed, and every view that shows one of them reads it again at once,
 * instead of waiting for its next poll (a sidebar section, a main-area page, an alert's cell).
 * Only the browser's own actions are announced: changes made elsewhere still arrive by polls.
 */
class ChangeBus {
  private readonly _changed = new Signal<ChangeBus, IObjectChange>(this);

  /** Emitted after an action's answer arrived, once per changed object. */
  get changed(): ISignal<ChangeBus, IObjectChange> {
    return this._changed;
  }

  /** Announce that `name` (of `kind`) changed. */
  announce(kind: ObjectKind, name: string): void {
    this._changed.emit({ kind, name });
  }
}

/** The one change bus of the page. */
export const changes = new ChangeBus();

/**
 * Run a user action, then announce the objects it changed (also when it failed: a failed
 * Promote may have moved an alias before the endpoint refused). Returns the action's answer.
 */
export async function announcing<T>(
  action: Promise<T>,
  ...changed: [ObjectKind, string][]
): Promise<T> {
  try {
    return await action;
  } finally {
    for (const [kind, name] of changed) {
      changes.announce(kind, name);
    }
  }
}

/**
 * In a component: a number that grows each time an object of one of `kinds` changes; pass it
 * as `useRequest`'s `refresh` to read again after a user action.
 */
export function useChanges(kinds: ObjectKind[]): number {
  const [count, setCount] = useState(0);
  const key = kinds.join(',');
  useEffect(() => {
    const wanted = new Set(key.split(','));
    const onChange = (_: unknown, change: IObjectChange): void => {
      if (wanted.has(change.kind)) {
        setCount(value => value + 1);
      }
    };
    changes.changed.connect(onChange);
    return () => {
      changes.changed.disconnect(onChange);
    };
  }, [key]);
  return count;
}
