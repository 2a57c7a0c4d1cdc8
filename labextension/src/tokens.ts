import { Token } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';

/** The MLOps sidebar: each capability adds its section to it. */
export interface IMLOpsSidebar {
  /**
   * Add `widget` as a collapsible section; lower ranks come first. Its title is the header.
   * With `capability` (e.g. 'serving'), the section goes away, disposed, when the server does
   * not run that capability (`MLOpsApp.capabilities`; its routes answer 404 there).
   */
  addSection(widget: Widget, rank: number, capability?: string): void;
  /** Reveal the sidebar and expand `widget`'s section. */
  showSection(widget: Widget): void;
}

export const IMLOpsSidebar = new Token<IMLOpsSidebar>(
  'jupyter-mlops:IMLOpsSidebar',
  'The MLOps sidebar that capabilities add their sections to.'
);
