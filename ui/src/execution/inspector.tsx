/**
 * The state inspector: for one run of a state, its data at each stage (input, after InputPath,
 * after Parameters/Arguments, the result, after ResultSelector, after ResultPath, output),
 * the variables it assigned, its error, and for a Choice the rule that matched and the values
 * it compared. The stages come from the `stepflow.inspection` extension of the exit event
 * (docs/history-extensions.md): a stage equal to the one before it is not recorded, and is
 * shown as "unchanged".
 */
import { useState } from 'preact/hooks';
import { choiceOf, choiceRows, dataFlow, statesVariable, type ExecutionFacts } from './inspector-data';
import { detailsOf, parseJsonText, type HistoryModel, type StateView } from './status';

function Json({ value }: { value: unknown }) {
  // Focusable: a long value scrolls, and must scroll by keyboard too.
  return (
    <pre class="json" tabIndex={0}>
      {value === undefined ? '—' : JSON.stringify(value, null, 2)}
    </pre>
  );
}

export function Inspector({
  state,
  view,
  history,
  definitionOf,
  facts,
  topLanguage,
}: {
  state: string;
  view: StateView | undefined;
  history: HistoryModel;
  definitionOf: (state: string) => Record<string, unknown> | undefined;
  facts: ExecutionFacts;
  /** The machine's `QueryLanguage` (a state may set its own). */
  topLanguage: string;
}) {
  const [pick, setPick] = useState<number>();
  const entries = view?.entries ?? [];
  const index = pick !== undefined && pick < entries.length ? pick : entries.length - 1;
  const entry = entries[index];
  const definition = definitionOf(state);
  if (!entry)
    return (
      <aside class="inspector" aria-labelledby="inspector-title" tabIndex={0}>
        <h2 id="inspector-title">{state}</h2>
        <p>Not run.</p>
      </aside>
    );
  const status = history.entryStatus(entry);
  const exited = entry.exited ? (detailsOf(entry.exited) ?? {}) : {};
  const extension = (exited.stepflow ?? {}) as { inspection?: { variables?: unknown } };
  const variables = extension.inspection?.variables ?? exited.assignedVariables;
  const choice = choiceOf(entry);
  const rules = Array.isArray(definition?.Choices) ? (definition.Choices as Record<string, unknown>[]) : [];
  const language = typeof definition?.QueryLanguage === 'string' ? definition.QueryLanguage : topLanguage;
  return (
    <aside class="inspector" aria-labelledby="inspector-title" tabIndex={0}>
      <h2 id="inspector-title">
        {state} <span class={`badge status-${status}`}>{status}</span>
      </h2>
      {entries.length > 1 && (
        <label>
          Run{' '}
          <select value={index} onChange={(e) => setPick(Number(e.currentTarget.value))}>
            {entries.map((e, i) => (
              <option key={i} value={i}>
                {i + 1} of {entries.length}
                {e.iteration !== undefined ? ` (iteration ${e.iteration})` : ''} — {history.entryStatus(e)}
              </option>
            ))}
          </select>
        </label>
      )}
      {view && view.retries > 0 && (
        <p>
          Retried {view.retries} {view.retries === 1 ? 'time' : 'times'}.
        </p>
      )}
      {entry.error && (
        <section class="error-box" aria-labelledby="error-title">
          <h3 id="error-title">Error {status === 'caught' ? '(caught)' : ''}</h3>
          <p>
            <strong>{entry.error.error ?? 'unknown'}</strong>
          </p>
          {entry.error.cause && <Json value={parseJsonText(entry.error.cause)} />}
        </section>
      )}
      {choice && (
        <section class="choice-box" aria-labelledby="choice-title">
          <h3 id="choice-title">Choice</h3>
          <p data-testid="choice-matched">
            {choice.matched === 'Default'
              ? 'No rule matched: Default'
              : choice.matched !== undefined
                ? `Rule #${choice.matched} matched`
                : 'Matched rule not recorded'}
            {choice.next ? ` → ${choice.next}` : ''}
          </p>
          {choice.rules.length > 0 && (
            <table class="list choice-table" data-testid="choice-table">
              <caption>Rules evaluated, in order (the rules after the matching one are not)</caption>
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Test</th>
                  <th scope="col">Expected</th>
                  <th scope="col">Actual</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {choiceRows(choice).map((row, i) => (
                  <tr key={i} class={row.matched ? 'matched' : undefined} data-rule={row.rule}>
                    {row.first && (
                      <th scope="row" rowSpan={row.span}>
                        #{row.rule}
                        {rules[row.rule]?.Next ? ` → ${String(rules[row.rule].Next)}` : ''}
                        <br />
                        <span class={row.ruleResult ? 'ok' : 'muted'}>
                          {row.matched ? 'matched' : row.ruleResult ? 'true' : 'false'}
                        </span>
                      </th>
                    )}
                    <td>
                      <code>{row.test}</code>
                    </td>
                    <td>
                      <code>{row.expected === undefined ? '' : JSON.stringify(row.expected)}</code>
                    </td>
                    <td>
                      <code>
                        {row.hasActual ? JSON.stringify(row.actual) : row.expected === undefined ? '' : '(none)'}
                      </code>
                    </td>
                    <td>{row.result ? 'true' : 'false'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {language === 'JSONata' && (
        <section class="states-box" aria-labelledby="states-title" data-testid="states-box">
          <h3 id="states-title">
            <code>$states</code> (JSONata)
          </h3>
          <dl class="flow">
            {statesVariable(entry, history.events, facts, status === 'caught').map((row) => (
              <div key={row.name} data-states={row.name}>
                <dt>
                  <code>$states.{row.name}</code>
                </dt>
                <dd>
                  <Json value={row.value} />
                </dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      <section aria-labelledby="flow-title">
        <h3 id="flow-title">Data flow</h3>
        <dl class="flow">
          {dataFlow(entry).map((row) => (
            <div key={row.key} data-stage={row.key}>
              <dt>{row.label}</dt>
              <dd>{row.unchanged ? <span class="muted">unchanged</span> : <Json value={row.value} />}</dd>
            </div>
          ))}
        </dl>
        {variables !== undefined && (
          <>
            <h3>Variables assigned</h3>
            <Json value={parseJsonText(variables)} />
          </>
        )}
      </section>
      <section aria-labelledby="events-title">
        <h3 id="events-title">Events of this run</h3>
        <ol class="entry-events">
          {entry.events.map((event) => (
            <li key={event.id}>
              #{event.id} {event.type} <span class="muted">+{history.offsetMs(event)} ms</span>
            </li>
          ))}
        </ol>
      </section>
    </aside>
  );
}
