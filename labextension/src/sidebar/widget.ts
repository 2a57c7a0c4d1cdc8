import { SidePanel, LabIcon } from '@jupyterlab/ui-components';
import { AccordionPanel, Widget } from '@lumino/widgets';

import { IMLOpsSidebar } from '../tokens';
import mlopsIconSvg from '../../style/icons/mlops.svg';

export const mlopsIcon = new LabIcon({ name: 'jupyter-mlops:mlops', svgstr: mlopsIconSvg });

/** The left-sidebar panel: an accordion of capability sections ordered by rank. */
export class MLOpsSidebar extends SidePanel implements IMLOpsSidebar {
  private readonly _ranks = new Map<Widget, number>();
  private readonly _capabilities = new Map<Widget, string>();
  private _enabled: Set<string> | null = null;

  constructor() {
    super();
    this.id = 'jupyter-mlops-sidebar';
    this.addClass('jp-MLOps-sidebar');
    this.title.icon = mlopsIcon;
    this.title.caption = 'MLOps';
    const header = new Widget();
    header.node.textContent = 'MLOps';
    header.addClass('jp-MLOps-sidebar-header');
    this.header.addWidget(header);
  }

  addSection(widget: Widget, rank: number, capability?: string): void {
    if (capability !== undefined) {
      if (this._enabled !== null && !this._enabled.has(capability)) {
        widget.dispose();
        return;
      }
      this._capabilities.set(widget, capability);
    }
    this._ranks.set(widget, rank);
    const ordered = [...this._ranks.entries()].sort((a, b) => a[1] - b[1]).map(([w]) => w);
    this.insertWidget(ordered.indexOf(widget), widget);
  }

  /** Keep only the sections of `enabled` capabilities (from the server's health). */
  setEnabledCapabilities(enabled: Iterable<string>): void {
    this._enabled = new Set(enabled);
    for (const [widget, capability] of this._capabilities) {
      if (!this._enabled.has(capability)) {
        this._capabilities.delete(widget);
        this._ranks.delete(widget);
        widget.dispose();
      }
    }
  }

  showSection(widget: Widget): void {
    const index = this.widgets.indexOf(widget);
    // SidePanel's default content is an accordion (see SidePanel's docs).
    if (index >= 0 && this.content instanceof AccordionPanel) {
      this.content.expand(index);
    }
  }
}
