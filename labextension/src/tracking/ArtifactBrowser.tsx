import { fileIcon, folderIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { ErrorNote } from '../kit/ErrorNote';
import { formatBytes } from '../kit/format';
import { useRequest } from '../kit/useRequest';
import { artifactDownloadUrl, fetchArtifact, listArtifacts } from './api';
import {
  PreviewKind,
  loadModelSnippet,
  parseDelimited,
  prettyJSON,
  previewKind
} from './artifactPreview';
import { IArtifactFile, IArtifactList } from './model';

/** The file a model folder has (see `model_format`): it marks a folder as a logged model. */
const MODEL_FILE = 'MLmodel.json';

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

type Preview =
  | { kind: 'text' | 'json'; text: string }
  | { kind: 'table'; rows: string[][]; truncated: boolean }
  | { kind: 'image'; url: string };

async function loadPreview(
  runId: string,
  file: IArtifactFile,
  kind: PreviewKind
): Promise<Preview> {
  const response = await fetchArtifact(runId, file.path);
  if (kind === 'image') {
    const blob = await response.blob();
    // The server sends images as attachments with a generic type: say what they are.
    const type = file.path.toLowerCase().endsWith('.svg') ? 'image/svg+xml' : blob.type;
    return { kind: 'image', url: URL.createObjectURL(new Blob([blob], { type })) };
  }
  const text = await response.text();
  if (kind === 'json') {
    return { kind: 'json', text: prettyJSON(text) };
  }
  if (kind === 'table') {
    const delimiter = file.path.toLowerCase().endsWith('.tsv') ? '\t' : ',';
    return { kind: 'table', ...parseDelimited(text, delimiter, 50) };
  }
  return { kind: 'text', text };
}

/** One previewed artifact: text, JSON, an image or the first rows of a table. */
function ArtifactPreview(props: { runId: string; file: IArtifactFile }): JSX.Element {
  const { runId, file } = props;
  const kind = previewKind(file.path, file.file_size);
  const preview = useRequest(() => loadPreview(runId, file, kind), [runId, file.path]);
  const data = preview.data;
  useEffect(
    () => () => {
      if (data?.kind === 'image') {
        URL.revokeObjectURL(data.url);
      }
    },
    [data]
  );
  let body: JSX.Element;
  if (preview.error !== null) {
    body = <ErrorNote what={`Cannot preview ${file.path}`} error={preview.error} />;
  } else if (data === null) {
    body = <div className="jp-MLOps-muted">Loading {file.path}…</div>;
  } else if (data.kind === 'image') {
    body = <img className="jp-MLOps-previewImage" src={data.url} alt={file.path} />;
  } else if (data.kind === 'table') {
    const [header, ...rows] = data.rows;
    body = (
      <div className="jp-MLOps-tableScroll">
        <table className="jp-MLOps-kvTable jp-MLOps-previewTable">
          <thead>
            <tr>
              {header?.map((cell, index) => (
                <th key={index}>{cell}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {row.map((cell, index) => (
                  <td key={index}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {data.truncated ? <div className="jp-MLOps-muted">First 50 rows.</div> : null}
      </div>
    );
  } else {
    body = <pre className="jp-MLOps-code jp-MLOps-previewText">{data.text}</pre>;
  }
  return (
    <div className="jp-MLOps-preview" data-testid="mlops-artifact-preview" data-path={file.path}>
      {body}
    </div>
  );
}

/** "Load this model" code, and Register when the serving plugin offers it. */
function ModelFolder(props: {
  runId: string;
  folder: string;
  canRegister: boolean;
  onRegister(path: string): void;
}): JSX.Element {
  const snippet = loadModelSnippet(props.runId, props.folder);
  return (
    <div className="jp-MLOps-modelFolder" data-testid="mlops-model-folder">
      <div className="jp-MLOps-modelHeader">
        <strong>Model</strong> <code>{props.folder}</code>
        {props.canRegister ? (
          <button
            className="jp-mod-styled jp-mod-accept"
            data-testid="mlops-register-model"
            title="Register this model in the model registry"
            onClick={() => props.onRegister(props.folder)}
          >
            Register…
          </button>
        ) : null}
      </div>
      {snippet !== null ? (
        <>
          <div className="jp-MLOps-muted">Load this model in a notebook:</div>
          <pre className="jp-MLOps-code" data-testid="mlops-model-snippet">
            {snippet}
          </pre>
        </>
      ) : null}
    </div>
  );
}

/**
 * A run's artifacts: folders to open, files to download or preview (text, JSON, images,
 * tables). Inside a model folder: the code that loads it, and Register. `root` is the root
 * listing when the page already read it.
 */
export function ArtifactBrowser(props: {
  runId: string;
  version: number;
  root: IArtifactList | null;
  canRegisterModel: boolean;
  registerModel(path: string): void;
}): JSX.Element {
  const { runId, version } = props;
  const [folder, setFolder] = useState('');
  const [previewed, setPreviewed] = useState<IArtifactFile | null>(null);
  const listing = useRequest(
    folder === '' && props.root !== null ? null : () => listArtifacts(runId, folder),
    [runId, folder],
    version
  );
  const shown = folder === '' && props.root !== null ? props.root : listing.data;

  if (listing.error !== null) {
    return <ErrorNote what="Cannot list artifacts" error={listing.error} />;
  }
  if (shown === null) {
    return <div className="jp-MLOps-muted">Loading artifacts…</div>;
  }
  const { files } = shown;
  const isModel = files.some(file => !file.is_dir && baseName(file.path) === MODEL_FILE);
  const open = (path: string) => {
    setFolder(path);
    setPreviewed(null);
  };
  return (
    <div className="jp-MLOps-artifacts" data-testid="mlops-artifacts">
      {folder.length > 0 ? (
        <div className="jp-MLOps-muted" title={shown.root_uri}>
          <button className="jp-MLOps-link" onClick={() => open(parentOf(folder))}>
            ‹ up
          </button>{' '}
          {folder}/
        </div>
      ) : null}
      {isModel ? (
        <ModelFolder
          runId={runId}
          folder={folder}
          canRegister={props.canRegisterModel}
          onRegister={props.registerModel}
        />
      ) : null}
      {files.length === 0 ? <div className="jp-MLOps-muted">No artifacts.</div> : null}
      <ul className="jp-MLOps-artifactList">
        {files.map(file => {
          const kind = file.is_dir ? null : previewKind(file.path, file.file_size);
          return (
            <li key={file.path}>
              {file.is_dir ? (
                <button className="jp-MLOps-link" onClick={() => open(file.path)}>
                  <folderIcon.react tag="span" className="jp-MLOps-inlineIcon" />
                  {baseName(file.path)}/
                </button>
              ) : (
                <a
                  className="jp-MLOps-link"
                  href={artifactDownloadUrl(runId, file.path)}
                  download={baseName(file.path)}
                  target="_blank"
                  rel="noreferrer"
                  title="Download"
                >
                  <fileIcon.react tag="span" className="jp-MLOps-inlineIcon" />
                  {baseName(file.path)}
                </a>
              )}
              {file.is_dir ? null : (
                <span className="jp-MLOps-muted"> {formatBytes(file.file_size)}</span>
              )}
              {kind !== null ? (
                <button
                  className="jp-MLOps-link jp-MLOps-previewButton"
                  aria-pressed={previewed?.path === file.path}
                  onClick={() => setPreviewed(previewed?.path === file.path ? null : file)}
                >
                  {previewed?.path === file.path ? 'hide' : 'preview'}
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {previewed !== null ? <ArtifactPreview runId={runId} file={previewed} /> : null}
    </div>
  );
}
