/** The columns chosen per experiment, remembered in this browser (`localStorage`). */
import { IColumnChoice, parseChoice } from './columns';

/** Where the chosen columns of an experiment are remembered (this browser). */
function choiceKey(experimentId: string): string {
  return `jupyter-mlops:columns:${experimentId}`;
}

/** The columns chosen for the experiment, or the default choice. */
export function readChoice(experimentId: string): IColumnChoice {
  try {
    return parseChoice(window.localStorage.getItem(choiceKey(experimentId)));
  } catch {
    return parseChoice(null); // storage disabled
  }
}

/** Remember the columns chosen for the experiment. */
export function saveChoice(experimentId: string, choice: IColumnChoice): void {
  try {
    window.localStorage.setItem(choiceKey(experimentId), JSON.stringify(choice));
  } catch {
    // Storage full or disabled: the choice lasts as long as the tab.
  }
}
