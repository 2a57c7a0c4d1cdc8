import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { parseSample } from './options';

/** What the user chose before profiling a file (unset: the defaults). */
export interface IProfileOptions {
  delimiter?: string;
  encoding?: string;
  sample?: number;
}

const DELIMITERS: Array<[string, string]> = [
  ['', 'guess from the suffix (comma; tab for .tsv)'],
  [',', 'comma ,'],
  [';', 'semicolon ;'],
  ['\t', 'tab'],
  ['|', 'pipe |']
];

class OptionsBody extends Widget {
  private readonly _delimiter: HTMLSelectElement;
  private readonly _encoding: HTMLInputElement;
  private readonly _sample: HTMLInputElement;

  constructor(csv: boolean, initial: IProfileOptions, problem: string | null) {
    super();
    this.addClass('jp-MLOps-profileOptions');
    const form = document.createElement('div');
    form.dataset.testid = 'mlops-profile-options';
    this._delimiter = document.createElement('select');
    this._delimiter.name = 'delimiter';
    for (const [value, label] of DELIMITERS) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      this._delimiter.appendChild(option);
    }
    this._delimiter.value = initial.delimiter ?? '';
    this._encoding = document.createElement('input');
    this._encoding.name = 'encoding';
    this._encoding.placeholder = 'utf-8';
    this._encoding.value = initial.encoding ?? '';
    this._sample = document.createElement('input');
    this._sample.name = 'sample';
    this._sample.placeholder = 'all rows (or e.g. 10000, 0.1)';
    this._sample.value = initial.sample !== undefined ? String(initial.sample) : '';
    const rows: Array<[string, HTMLElement]> = csv
      ? [
          ['Delimiter', this._delimiter],
          ['Encoding', this._encoding],
          ['Sample', this._sample]
        ]
      : [['Sample', this._sample]];
    for (const [text, control] of rows) {
      const label = document.createElement('label');
      label.textContent = text;
      label.appendChild(control);
      form.appendChild(label);
    }
    if (problem !== null) {
      const note = document.createElement('div');
      note.className = 'jp-MLOps-error';
      note.textContent = problem;
      form.appendChild(note);
    }
    this.node.appendChild(form);
  }

  getValue(): { delimiter: string; encoding: string; sample: string } {
    return {
      delimiter: this._delimiter.value,
      encoding: this._encoding.value.trim(),
      sample: this._sample.value
    };
  }
}

/** Ask for the options of profiling `path`; null when cancelled. */
export async function askProfileOptions(path: string): Promise<IProfileOptions | null> {
  const csv = !/\.(parquet|pq|parq)$/i.test(path);
  let chosen: IProfileOptions = {};
  let problem: string | null = null;
  for (;;) {
    const result = await showDialog({
      title: `Profile ${path}`,
      body: new OptionsBody(csv, chosen, problem),
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Profile' })],
      focusNodeSelector: 'select, input'
    });
    if (!result.button.accept || result.value === null) {
      return null;
    }
    const { delimiter, encoding, sample } = result.value;
    const parsed = parseSample(sample);
    chosen = {
      ...(delimiter ? { delimiter } : {}),
      ...(encoding ? { encoding } : {})
    };
    if (typeof parsed === 'string') {
      problem = parsed;
      continue;
    }
    return parsed !== undefined ? { ...chosen, sample: parsed } : chosen;
  }
}
