/** Which artifacts the run page previews, and how (pure: unit tested). */

/** How a file is previewed, or null when it is only downloaded. */
export type PreviewKind = 'text' | 'json' | 'image' | 'table' | null;

/** Largest file read for a preview: text and tables 1 MiB, images 8 MiB. */
export const MAX_TEXT_PREVIEW = 1024 * 1024;
export const MAX_IMAGE_PREVIEW = 8 * 1024 * 1024;

const TEXT = ['.txt', '.log', '.md', '.py', '.yaml', '.yml', '.toml', '.cfg', '.ini', '.sql', '.r'];
const IMAGES = ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.svg'];
const TABLES = ['.csv', '.tsv'];

/** The preview of `path` for a file of `size` bytes (null: too large or not previewable). */
export function previewKind(path: string, size: number | null): PreviewKind {
  const lower = path.toLowerCase();
  const is = (suffixes: string[]) => suffixes.some(suffix => lower.endsWith(suffix));
  const kind: PreviewKind = lower.endsWith('.json')
    ? 'json'
    : is(TABLES)
      ? 'table'
      : is(IMAGES)
        ? 'image'
        : is(TEXT) || lower.endsWith('requirements.txt')
          ? 'text'
          : null;
  if (kind === null || size === null) {
    return kind;
  }
  return size <= (kind === 'image' ? MAX_IMAGE_PREVIEW : MAX_TEXT_PREVIEW) ? kind : null;
}

/** JSON text indented for reading; text that is not JSON comes back as it was. */
export function prettyJSON(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * The first `maxRows` rows of CSV (or TSV with `delimiter` tab): quoted fields with doubled
 * quotes, delimiters and line breaks inside quotes. `truncated` says rows were left out.
 */
export function parseDelimited(
  text: string,
  delimiter = ',',
  maxRows = 50
): { rows: string[][]; truncated: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let index = 0;
  const endRow = () => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) {
      rows.push(row);
    }
    row = [];
  };
  while (index < text.length) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"' && field.length === 0) {
      quoted = true;
    } else if (char === delimiter) {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') {
        index += 1;
      }
      endRow();
      if (rows.length > maxRows) {
        return { rows: rows.slice(0, maxRows), truncated: true };
      }
    } else {
      field += char;
    }
    index += 1;
  }
  if (field.length > 0 || row.length > 0) {
    endRow();
  }
  return { rows: rows.slice(0, maxRows), truncated: rows.length > maxRows };
}

/** The Python that loads the model a run logged in folder `path` (top-level folders only). */
export function loadModelSnippet(runId: string, path: string): string | null {
  if (path.length === 0 || path.includes('/')) {
    return null;
  }
  return [
    'import jupyter_mlops as mlops',
    '',
    `model = mlops.load_model(${JSON.stringify(`runs:/${runId}/${path}`)})`
  ].join('\n');
}

/** The tag `log_model` sets on a run for each model folder it wrote. */
const MODEL_TAG_PREFIX = 'mlops.model.';

/** The model folders a run logged with `log_model`, read from its `mlops.model.<folder>` tags. */
export function loggedModelFolders(tags: Record<string, string>): string[] {
  return Object.keys(tags)
    .filter(key => key.startsWith(MODEL_TAG_PREFIX) && key.length > MODEL_TAG_PREFIX.length)
    .map(key => key.slice(MODEL_TAG_PREFIX.length))
    .sort();
}

/**
 * A registry name from an experiment's name: the registry takes letters, digits, `_`, `.`, `-`
 * (up to 128, starting with a letter or digit), so other characters become `-`.
 */
export function suggestedModelName(experimentName: string, fallback = 'model'): string {
  const name = experimentName
    .trim()
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128)
    .replace(/[-.]+$/, '');
  return name.length > 0 ? name : fallback;
}
