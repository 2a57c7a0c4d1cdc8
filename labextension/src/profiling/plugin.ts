import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, InputDialog } from '@jupyterlab/apputils';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { spreadsheetIcon } from '@jupyterlab/ui-components';

import { stringArg } from '../kit';
import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { addRefreshCommand } from '../kit/refreshCommand';
import { MainAreaOpener } from '../kit/opener';
import { IMLOpsSidebar } from '../tokens';
import { listProfiles } from './api';
import { askProfileOptions } from './OptionsDialog';
import { ProfilesSection } from './ProfilesSection';
import { IProfileViewArgs, ProfileView } from './ProfileView';

/** Data comes first in the sidebar: before clusters (200) and experiments (300). */
const SECTION_RANK = 100;
/** The file types "Profile data" is offered on (Lab's names; parquet is ours if missing). */
const DATA_FILE_TYPES = ['csv', 'tsv', 'parquet'];
const DATA_SUFFIXES = ['.csv', '.tsv', '.parquet', '.pq', '.csv.gz'];

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
    const section = new ProfilesSection(profile => {
      void app.commands.execute(CommandIDs.openProfile, { profileId: profile.id });
    });
    sidebar.addSection(section, SECTION_RANK, 'profiling');
    // One tab per saved profile, or per file being profiled; restored after a reload (a tab
    // whose job was still running polls it again).
    const views = new MainAreaOpener<ProfileView, IProfileViewArgs>({
      app,
      namespace: 'mlops-profile',
      command: CommandIDs.openProfile,
      restorer,
      key: args => (args.profileId ? `profile:${args.profileId}` : `file:${args.path ?? ''}`),
      args: content => content.args,
      create: args => {
        const view = new ProfileView(args, () => void section.refresh());
        // Save the new arguments with the layout, so a reload reopens what the tab shows now.
        view.argsChanged.connect(() => {
          const widget = views.tracker.find(candidate => candidate.content === view);
          if (widget !== undefined) {
            void views.saveArgs(widget);
          }
        });
        return view;
      },
      icon: spreadsheetIcon
    });

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
        const options = args.ask === false ? {} : await askProfileOptions(path);
        if (options === null) {
          return;
        }
        // Saved under its path: profiling the file again replaces the profile. A tab already
        // showing this file is closed first, so the new options take effect.
        views.find({ path })?.dispose();
        await views.open({ path, name: path, ...options });
      }
    });

    app.commands.addCommand(CommandIDs.openProfile, {
      label: args =>
        stringArg(args, 'profileId') || stringArg(args, 'path')
          ? 'Open Profile'
          : 'Open a Saved Profile…',
      execute: async args => {
        const viewArgs = args as IProfileViewArgs;
        if (viewArgs.path && !viewArgs.profileId) {
          await views.open(viewArgs); // a restored tab of a file being profiled
          return;
        }
        // An empty id comes from an old restored view that had not been saved: nothing to do.
        const profileId = 'profileId' in args ? stringArg(args, 'profileId') : await pickProfile();
        if (profileId === null) {
          return;
        }
        const open = views.all().find(widget => widget.content.profileId === profileId);
        if (open !== undefined) {
          app.shell.activateById(open.id);
          return;
        }
        await views.open({ profileId });
      }
    });

    addRefreshCommand(app, CommandIDs.refreshProfiles, 'Refresh the Saved Profiles', () => [
      section
    ]);

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
  }
};
