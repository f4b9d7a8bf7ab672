/**
 * The definition editor: JSON text validated as you type (ValidateStateMachineDefinition), each
 * problem pinned to its line in the text and to its state on the graph drawn beside it.
 */
import { parse as parseLoose } from 'jsonc-parser';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, sfnAction, type Diagnostic } from '../api';
import { GraphView } from '../graph/graph-view';
import { buildGraph, stateOfPointer } from '../graph/model';
import { lineOfPointer, lineRange } from './pointer-lines';

/** Quiet time after a keystroke before validating. */
const VALIDATE_DELAY_MS = 350;

interface Problem extends Diagnostic {
  line?: number;
  state?: string;
}

export function DefinitionEditor({
  name,
  definition,
  onSaved,
}: {
  name: string;
  definition: unknown;
  onSaved: () => void;
}) {
  const [text, setText] = useState(() => JSON.stringify(definition, null, 2));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [syntax, setSyntax] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      try {
        JSON.parse(text);
        setSyntax(undefined);
      } catch (err) {
        setSyntax(err instanceof Error ? err.message : String(err));
        setProblems([]);
        return;
      }
      sfnAction<{ diagnostics: Diagnostic[] }>(
        'ValidateStateMachineDefinition',
        { definition: text },
        controller.signal,
      ).then(
        ({ diagnostics }) =>
          setProblems(
            diagnostics.map((d) => ({
              ...d,
              line: d.location ? lineOfPointer(text, d.location) : undefined,
              state: d.location ? stateOfPointer(d.location) : undefined,
            })),
          ),
        (err: unknown) => {
          if (!controller.signal.aborted) setStatus(`Validation failed: ${String(err)}`);
        },
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text]);

  const model = useMemo(() => buildGraph(parseLoose(text)), [text]);
  const problemStates = useMemo(() => new Set(problems.flatMap((p) => (p.state ? [p.state] : []))), [problems]);
  const lines = text.split('\n').length;
  const errors = problems.filter((p) => p.severity === 'ERROR');

  const goTo = (problem: Problem) => {
    if (problem.state) setSelected(problem.state);
    if (problem.line && area.current) {
      const [start, end] = lineRange(text, problem.line);
      area.current.focus();
      area.current.setSelectionRange(start, end);
    }
  };

  return (
    <div class="editor">
      <div class="editor-text">
        <label for="definition-text">Definition (JSON)</label>
        <div class="code-with-lines">
          <pre class="line-numbers" aria-hidden="true">
            {Array.from({ length: lines }, (_, i) => {
              const marked = problems.some((p) => p.line === i + 1);
              return <span class={marked ? 'line-marked' : undefined}>{`${i + 1}\n`}</span>;
            })}
          </pre>
          <textarea
            id="definition-text"
            ref={area}
            spellcheck={false}
            value={text}
            rows={Math.min(40, lines + 2)}
            onInput={(e) => setText(e.currentTarget.value)}
            aria-describedby="definition-problems"
          />
        </div>
        <div id="definition-problems" aria-live="polite">
          {syntax && <p class="error">JSON syntax: {syntax}</p>}
          {!syntax && problems.length === 0 && <p class="ok">No problems.</p>}
          {problems.length > 0 && (
            <ul class="problems">
              {problems.map((p, i) => (
                <li key={i} class={p.severity === 'ERROR' ? 'error' : 'warning'}>
                  <button type="button" class="link" onClick={() => goTo(p)}>
                    {p.line ? `line ${p.line}` : p.location}
                    {p.state ? ` · ${p.state}` : ''}
                  </button>{' '}
                  {p.severity} {p.code}: {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
        <button
          type="button"
          disabled={syntax !== undefined || errors.length > 0}
          onClick={() => {
            setStatus('Saving…');
            api('POST', '/v1/state-machines', { name, definition: JSON.parse(text) }).then(
              () => {
                setStatus('Saved as the current revision.');
                onSaved();
              },
              (err: unknown) => setStatus(`Not saved: ${err instanceof Error ? err.message : String(err)}`),
            );
          }}
        >
          Save definition
        </button>
        {status && <p role="status">{status}</p>}
      </div>
      <GraphView
        model={model}
        problems={problemStates}
        selected={selected}
        onSelect={(state) => {
          setSelected(state);
          const problem = problems.find((p) => p.state === state);
          if (problem) goTo(problem);
        }}
        label="Graph of the edited definition"
      />
    </div>
  );
}
