import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, InputDialog, MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { spreadsheetIcon } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { IMLOpsSidebar } from '../tokens';
import { listProfiles } from './api';
import { ProfilesSection } from './ProfilesSection';
import { ProfileView } from './ProfileView';

/** Data comes first in the sidebar: before clusters (200) and experiments (300). */
const SECTION_RANK = 100;
/** The file types "Profile data" is offered on (Lab's names; parquet is ours if missing). */
const DATA_FILE_TYPES = ['csv', 'tsv', 'parquet'];
const DATA_SUFFIXES = ['.csv', '.tsv', '.parquet', '.pq', '.csv.gz'];

function stringArg(args: ReadonlyPartialJSONObject, name: string): string | null {
  const value = args[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function isDataFile(path: string): boolean {
  const lower = path.toLowerCase();
  return DATA_SUFFIXES.some(suffix => lower.endsWith(suffix));
}

/** Lab has no Parquet file type: register one so the file browser can tell those files. */
function ensureParquetFileType(registry: JupyterFrontEnd['docRegistry']): void {
  if (registry.getFileType('parquet') === undefined) {
    registry.addFileType({
      name: 'parquet',
      displayName: 'Parquet File',
      extensions: ['.parquet', '.pq'],
      mimeTypes: ['application/vnd.apache.parquet'],
      contentType: 'file',
      fileFormat: 'base64',
      icon: spreadsheetIcon
    });
  }
}

async function pickProfile(): Promise<string | null> {
  const profiles = await listProfiles();
  const labels = profiles.map(p => `${p.name} · ${p.n_rows} rows · ${p.id}`);
  const result = await InputDialog.getItem({ title: 'Open a saved profile', items: labels });
  if (!result.button.accept || result.value === null) {
    return null;
  }
  return profiles[labels.indexOf(result.value)]?.id ?? null;
}

/** Data profiling in the Lab: "Profile data" in the file browser, profile views, Profiles. */
export const profilingPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-mlops:profiling',
  description: 'Profiles CSV and Parquet files from the file browser and lists saved profiles.',
  autoStart: true,
  requires: [IMLOpsSidebar],
  optional: [IFileBrowserFactory, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    sidebar: IMLOpsSidebar,
    browsers: IFileBrowserFactory | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ) => {
    ensureParquetFileType(app.docRegistry);
    const views = new WidgetTracker<MainAreaWidget<ProfileView>>({ namespace: 'mlops-profile' });
    const section = new ProfilesSection(profile => {
      void app.commands.execute(CommandIDs.openProfile, { profileId: profile.id });
    });
    sidebar.addSection(section, SECTION_RANK);
    let opened = 0;

    const show = async (content: ProfileView, id: string): Promise<void> => {
      const widget = new MainAreaWidget({ content });
      widget.id = id;
      widget.title.closable = true;
      widget.title.icon = spreadsheetIcon;
      await views.add(widget);
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
    };

    const selectedPath = (): string | null => {
      const browser = browsers?.tracker.currentWidget;
      if (!browser) {
        return null;
      }
      const first = browser.selectedItems().next();
      return first.done ? null : first.value.path;
    };

    app.commands.addCommand(CommandIDs.profileFile, {
      label: 'Profile data',
      caption: 'Profile this CSV or Parquet file and save the profile under its path',
      icon: spreadsheetIcon,
      isVisible: args => {
        const path = stringArg(args, 'path') ?? selectedPath();
        return path !== null && isDataFile(path);
      },
      execute: async args => {
        const path = stringArg(args, 'path') ?? selectedPath();
        if (path === null) {
          return;
        }
        // Saved under its path: profiling the file again replaces the profile.
        const content = new ProfileView({ path, name: path }, () => void section.refresh());
        opened += 1;
        await show(content, `jupyter-mlops-profile-file-${opened}`);
      }
    });

    app.commands.addCommand(CommandIDs.openProfile, {
      label: args => (stringArg(args, 'profileId') ? 'Open Profile' : 'Open a Saved Profile…'),
      execute: async args => {
        // An empty id comes from a restored view that had not been saved yet: nothing to do.
        const profileId = 'profileId' in args ? stringArg(args, 'profileId') : await pickProfile();
        if (profileId === null) {
          return;
        }
        const open = views.find(widget => widget.content.profileId === profileId);
        if (open !== undefined) {
          app.shell.activateById(open.id);
          return;
        }
        await show(new ProfileView({ profileId }), `jupyter-mlops-profile-${profileId}`);
      }
    });

    app.commands.addCommand(CommandIDs.refreshProfiles, {
      label: 'Refresh the Saved Profiles',
      execute: () => section.refresh()
    });

    for (const fileType of DATA_FILE_TYPES) {
      app.contextMenu.addItem({
        command: CommandIDs.profileFile,
        selector: `.jp-DirListing-item[data-file-type="${fileType}"]`,
        rank: 3
      });
    }
    for (const command of [CommandIDs.openProfile, CommandIDs.refreshProfiles]) {
      palette?.addItem({ command, category: PALETTE_CATEGORY });
    }
    if (restorer !== null) {
      void restorer.restore(views, {
        command: CommandIDs.openProfile,
        args: widget => ({ profileId: widget.content.profileId ?? '' }),
        name: widget => widget.content.profileId ?? widget.id
      });
    }
  }
};
