import { fileIcon, folderIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { artifactDownloadUrl, listArtifacts } from './api';
import { formatBytes } from '../kit/format';
import { IArtifactList } from './model';

type Listing = { listing: IArtifactList } | { error: string } | null;

function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A run's artifacts: folders to open, files to download. */
export function ArtifactBrowser(props: { runId: string; version: number }): JSX.Element {
  const { runId, version } = props;
  const [folder, setFolder] = useState('');
  const [listing, setListing] = useState<Listing>(null);

  useEffect(() => {
    let current = true;
    listArtifacts(runId, folder)
      .then(result => current && setListing({ listing: result }))
      .catch((error: Error) => current && setListing({ error: error.message }));
    return () => {
      current = false;
    };
  }, [runId, folder, version]);

  if (listing === null) {
    return <div className="jp-MLOps-muted">Loading artifacts…</div>;
  }
  if ('error' in listing) {
    return <div className="jp-MLOps-error">Cannot list artifacts: {listing.error}</div>;
  }
  const { files } = listing.listing;
  return (
    <div className="jp-MLOps-artifacts" data-testid="mlops-artifacts">
      {folder.length > 0 ? (
        <div className="jp-MLOps-muted" title={listing.listing.root_uri}>
          <button className="jp-MLOps-link" onClick={() => setFolder(parentOf(folder))}>
            ‹ up
          </button>{' '}
          {folder}/
        </div>
      ) : null}
      {files.length === 0 ? <div className="jp-MLOps-muted">No artifacts.</div> : null}
      <ul className="jp-MLOps-artifactList">
        {files.map(file => (
          <li key={file.path}>
            {file.is_dir ? (
              <button className="jp-MLOps-link" onClick={() => setFolder(file.path)}>
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
              >
                <fileIcon.react tag="span" className="jp-MLOps-inlineIcon" />
                {baseName(file.path)}
              </a>
            )}
            <span className="jp-MLOps-muted"> {formatBytes(file.file_size)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
