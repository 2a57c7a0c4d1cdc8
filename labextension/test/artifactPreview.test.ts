import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  MAX_TEXT_PREVIEW,
  loadModelSnippet,
  loggedModelFolders,
  parseDelimited,
  prettyJSON,
  previewKind,
  suggestedModelName
} from '../src/tracking/artifactPreview';

describe('previewKind', () => {
  it('previews text, JSON, images and tables by their suffix', () => {
    assert.equal(previewKind('notes/readme.md', 10), 'text');
    assert.equal(previewKind('metrics.JSON', 10), 'json');
    assert.equal(previewKind('figures/roc.png', 10), 'image');
    assert.equal(previewKind('data/sample.tsv', 10), 'table');
    assert.equal(previewKind('model/model.skops', 10), null);
  });

  it('does not read files too large to preview', () => {
    assert.equal(previewKind('log.txt', MAX_TEXT_PREVIEW + 1), null);
    assert.equal(previewKind('big.png', MAX_TEXT_PREVIEW + 1), 'image');
  });
});

describe('parseDelimited', () => {
  it('reads quoted fields, doubled quotes and line breaks inside quotes', () => {
    const { rows, truncated } = parseDelimited('a,b\n"x, y","say ""hi"""\r\n"two\nlines",3\n');
    assert.deepEqual(rows, [
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', '3']
    ]);
    assert.equal(truncated, false);
  });

  it('stops after the rows asked for and says so', () => {
    const text = Array.from({ length: 10 }, (_, index) => `${index}\t${index * 2}`).join('\n');
    const { rows, truncated } = parseDelimited(text, '\t', 3);
    assert.deepEqual(rows, [
      ['0', '0'],
      ['1', '2'],
      ['2', '4']
    ]);
    assert.equal(truncated, true);
  });
});

describe('prettyJSON and loadModelSnippet', () => {
  it('indents JSON and leaves other text alone', () => {
    assert.equal(prettyJSON('{"acc":0.81}'), '{\n  "acc": 0.81\n}');
    assert.equal(prettyJSON('not json'), 'not json');
  });

  it('writes the load call for a top-level model folder only', () => {
    const snippet = loadModelSnippet('abc', 'model') ?? '';
    assert.match(snippet, /^import jupyter_mlops as mlops$/m);
    assert.match(snippet, /mlops\.load_model\("runs:\/abc\/model"\)/);
    assert.equal(loadModelSnippet('abc', 'nested/model'), null);
    assert.equal(loadModelSnippet('abc', ''), null);
  });
});

describe('loggedModelFolders and suggestedModelName', () => {
  it('lists the folders log_model tagged, sorted, and nothing else', () => {
    const tags = { 'mlops.model.rf': 'RandomForest', 'mlops.model.': 'x', 'mlops.source': 'nb' };
    assert.deepEqual(loggedModelFolders({ ...tags, 'mlops.model.clf': 'LogReg' }), ['clf', 'rf']);
    assert.deepEqual(loggedModelFolders({}), []);
  });

  it("makes a valid registry name of an experiment's name", () => {
    assert.equal(suggestedModelName('churn'), 'churn');
    assert.equal(suggestedModelName('Churn model (v2)'), 'Churn-model-v2');
    assert.equal(suggestedModelName('  _x.y'), 'x.y');
    assert.equal(suggestedModelName('???'), 'model');
    assert.equal(suggestedModelName('a'.repeat(200)).length, 128);
  });
});
