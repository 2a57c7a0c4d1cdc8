import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

/** A command's non-empty string argument, or null (commands get untyped JSON arguments). */
export function stringArg(args: ReadonlyPartialJSONObject, name: string): string | null {
  const value = args[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}
