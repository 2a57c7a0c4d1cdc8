/** What the "Profile data" dialog reads from its boxes (pure: unit tested). */

/**
 * `text` as a sample size: a whole number of rows (>= 1) or a fraction in (0, 1]; undefined for
 * an empty box; an error message for anything else (checked here and again by the server).
 */
export function parseSample(text: string): number | undefined | string {
  const value = text.trim();
  if (value === '') {
    return undefined;
  }
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    return 'The sample is a number of rows (e.g. 10000) or a fraction in (0, 1] (e.g. 0.1).';
  }
  if (!Number.isInteger(number) && number > 1) {
    return 'A fraction must be at most 1; a number of rows must be whole.';
  }
  return number;
}
