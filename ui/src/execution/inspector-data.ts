/**
 * The inspector's data, read from history: the stages of one state run (from the
 * `stepflow.inspection` extension of its exit event, docs/history-extensions.md; a stage equal
 * to the one before it is not recorded and shows as "unchanged"), and a Choice's record
 * (`stepflow.choice`).
 */
import { detailsOf, parseJsonText, type StateEntry } from './status';

/** The inspection stages in order, with their labels. */
export const STAGES: readonly (readonly [string, string])[] = [
  ['input', 'Input'],
  ['afterInputPath', 'After InputPath'],
  ['afterParameters', 'After Parameters'],
  ['afterArguments', 'After Arguments'],
  ['result', 'Result'],
  ['afterResultSelector', 'After ResultSelector'],
  ['afterResultPath', 'After ResultPath'],
  ['output', 'Output'],
];

/** The rows of the data flow of one entry: each stage with its value, or `unchanged`. */
export function dataFlow(entry: StateEntry): { key: string; label: string; value: unknown; unchanged: boolean }[] {
  const entered = detailsOf(entry.entered) ?? {};
  const exited = entry.exited ? (detailsOf(entry.exited) ?? {}) : {};
  const extension = (exited.stepflow ?? {}) as { inspection?: Record<string, unknown> };
  const inspection = extension.inspection;
  if (!inspection) {
    const rows = [{ key: 'input', label: 'Input', value: parseJsonText(entered.input), unchanged: false }];
    // What the resource was called with (after InputPath and Parameters), from its scheduled event.
    const scheduled = entry.events.find((event) => /Scheduled$/.test(event.type));
    const sent = scheduled ? detailsOf(scheduled)?.input : undefined;
    if (sent !== undefined)
      rows.push({
        key: 'afterParameters',
        label: 'Sent to the resource',
        value: parseJsonText(sent),
        unchanged: false,
      });
    if (entry.exited)
      rows.push({ key: 'output', label: 'Output', value: parseJsonText(exited.output), unchanged: false });
    return rows;
  }
  const rows: { key: string; label: string; value: unknown; unchanged: boolean }[] = [];
  let previous: unknown = parseJsonText(inspection.input ?? entered.input);
  for (const [key, label] of STAGES) {
    if (key === 'input') {
      rows.push({ key, label, value: previous, unchanged: false });
      continue;
    }
    // Parameters and Arguments are alternatives: show the one the state has.
    if ((key === 'afterParameters' || key === 'afterArguments') && !(key in inspection)) continue;
    if (key in inspection) {
      previous = parseJsonText(inspection[key]);
      rows.push({ key, label, value: previous, unchanged: false });
    } else if (key === 'output' && entry.exited) {
      rows.push({ key, label, value: parseJsonText(exited.output), unchanged: false });
    } else if (key === 'result' && !entry.exited) {
      continue;
    } else rows.push({ key, label, value: previous, unchanged: true });
  }
  return rows;
}

/** The Choice extension of an exit event: which rule matched, the next state, the values compared. */
export interface ChoiceRecord {
  matched: number | 'Default' | undefined;
  next?: string;
  rest: Record<string, unknown>;
}

export function choiceOf(entry: StateEntry): ChoiceRecord | undefined {
  const exited = entry.exited ? detailsOf(entry.exited) : undefined;
  const choice = (exited?.stepflow as { choice?: Record<string, unknown> } | undefined)?.choice;
  if (!choice) return undefined;
  const { matched, rule, next, ...rest } = choice;
  const which = matched ?? rule;
  return {
    matched: typeof which === 'number' || which === 'Default' ? which : undefined,
    next: typeof next === 'string' ? next : undefined,
    rest,
  };
}
