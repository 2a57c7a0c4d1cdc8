import { LabIcon } from '@jupyterlab/ui-components';

/** Three linked nodes: the Cluster panel's tab in the left sidebar. */
export const clusterIcon = new LabIcon({
  name: 'jupyter-mlops:cluster',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <circle cx="12" cy="5" r="3"/><circle cx="5" cy="18" r="3"/><circle cx="19" cy="18" r="3"/>
    <path d="M11 7.5 6 15.5l1.7 1 5-8zM13 7.5l-1.7 1 5 8 1.7-1zM8 17h8v2H8z"/>
  </g>
</svg>`
});
