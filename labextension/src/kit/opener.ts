import {
  ILayoutRestorer,
  JupyterFrontEnd,
  LabShell,
  LayoutRestorer
} from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { LabIcon } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';

/** How an opener makes, finds and restores one kind of main-area view. */
export interface IOpenerOptions<W extends Widget, A extends ReadonlyPartialJSONObject> {
  app: JupyterFrontEnd;
  /** The tracker's namespace (restored layouts key on it) and the prefix of tab ids. */
  namespace: string;
  /** The command that opens a view from `A`; the restorer calls it after a reload. */
  command: string;
  restorer: ILayoutRestorer | null;
  /** Which object a view shows: one tab per key, reused when it is opened again. */
  key(args: A): string;
  /** The arguments that reopen `content` (saved with the layout). */
  args(content: W): A;
  /** Make the content of a new tab. */
  create(args: A): W;
  /** The tab's icon. */
  icon?: LabIcon;
}

/**
 * Opens main-area views: one tab per object (`key`), activated when it is already open, kept
 * in a `WidgetTracker` so the layout restorer reopens it after a reload through `command`.
 * The content's title (label, caption) shows on the tab: set it to tell tabs apart.
 */
export class MainAreaOpener<W extends Widget, A extends ReadonlyPartialJSONObject> {
  readonly tracker: WidgetTracker<MainAreaWidget<W>>;
  private readonly _options: IOpenerOptions<W, A>;

  constructor(options: IOpenerOptions<W, A>) {
    this._options = options;
    this.tracker = new WidgetTracker<MainAreaWidget<W>>({ namespace: options.namespace });
    if (options.restorer !== null) {
      void options.restorer.restore(this.tracker, {
        command: options.command,
        args: widget => options.args(widget.content),
        name: widget => options.key(options.args(widget.content))
      });
    }
  }

  /** The open view of `args`'s object, if any. */
  find(args: A): MainAreaWidget<W> | undefined {
    const key = this._options.key(args);
    return this.tracker.find(
      widget => this._options.key(this._options.args(widget.content)) === key
    );
  }

  /**
   * Save the arguments of `widget` after its content changed them (a tab that now shows another
   * object, so its restore key changed too). The Lab saves the layout, which names each tab by
   * its restore key, only when the layout changes: until then a reload would look for the old
   * key, whose arguments are gone, and restore nothing. So the layout is saved here as well.
   */
  async saveArgs(widget: MainAreaWidget<W>): Promise<void> {
    await this.tracker.save(widget);
    const { app, restorer } = this._options;
    if (restorer instanceof LayoutRestorer && app.shell instanceof LabShell) {
      await restorer.restored;
      await restorer.save(app.shell.saveLayout());
    }
  }

  /** Every open view. */
  all(): MainAreaWidget<W>[] {
    return this.tracker.filter(() => true);
  }

  /**
   * Show the view of `args`'s object: the open tab, else a new one (next to the current tab).
   * With `activate: false` a new tab opens in the background.
   */
  async open(args: A, options: { activate?: boolean } = {}): Promise<MainAreaWidget<W>> {
    const activate = options.activate ?? true;
    const open = this.find(args);
    if (open !== undefined) {
      if (activate) {
        this._options.app.shell.activateById(open.id);
      }
      return open;
    }
    const content = this._options.create(args);
    const widget = new MainAreaWidget({ content });
    widget.id = `${this._options.namespace}-${safeId(this._options.key(args))}`;
    widget.title.closable = true;
    if (this._options.icon !== undefined) {
      widget.title.icon = this._options.icon;
    }
    await this.tracker.add(widget);
    this._options.app.shell.add(widget, 'main', { mode: 'tab-after', activate });
    if (activate) {
      this._options.app.shell.activateById(widget.id);
    }
    return widget;
  }
}

/** A key as a DOM id fragment (keys may hold paths or spaces). */
function safeId(key: string): string {
  return key.replace(/[^A-Za-z0-9_-]/g, '_');
}
