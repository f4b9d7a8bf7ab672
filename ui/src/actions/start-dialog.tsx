/** Start an execution: an input editor that checks the JSON, a name, a version or alias. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, seg, type Alias, type Execution, type PublishedVersion } from '../api';
import { href } from '../router';
import { CopyMenu } from './copy-menu';

export function StartDialog({
  machine,
  versions,
  aliases,
  onClose,
}: {
  machine: string;
  versions: PublishedVersion[];
  aliases: Alias[];
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [input, setInput] = useState('{}');
  const [name, setName] = useState('');
  const [target, setTarget] = useState('latest');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  let parsed: unknown;
  let jsonError: string | undefined;
  try {
    parsed = JSON.parse(input);
  } catch (err) {
    jsonError = err instanceof Error ? err.message : String(err);
  }
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const [kind, value] = target.split(':');
      const execution = await api<Execution>('POST', `/v1/state-machines/${seg(machine)}/executions`, {
        input: parsed,
        ...(name ? { name } : {}),
        ...(kind === 'version' ? { version: Number(value) } : kind === 'alias' ? { alias: value } : {}),
      });
      dialog.current?.close();
      location.hash = href('executions', execution.executionId);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="start-title" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!jsonError) void submit();
        }}
      >
        <h2 id="start-title">Start an execution of {machine}</h2>
        <label for="start-input">Input (JSON)</label>
        <textarea
          id="start-input"
          rows={10}
          spellcheck={false}
          value={input}
          aria-invalid={jsonError !== undefined}
          aria-describedby="start-input-check"
          onInput={(e) => setInput(e.currentTarget.value)}
        />
        <p id="start-input-check" class={jsonError ? 'error' : 'ok'} aria-live="polite">
          {jsonError ? `Not valid JSON: ${jsonError}` : 'Valid JSON.'}
        </p>
        <label for="start-name">Execution name (optional)</label>
        <input id="start-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <label for="start-target">Run</label>
        <select id="start-target" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
          <option value="latest">the current definition</option>
          {versions.map((v) => (
            <option key={v.version} value={`version:${v.version}`}>
              version {v.version}
            </option>
          ))}
          {aliases.map((a) => (
            <option key={a.name} value={`alias:${a.name}`}>
              alias {a.name}
            </option>
          ))}
        </select>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <div class="buttons">
          <button type="submit" disabled={busy || jsonError !== undefined}>
            Start
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
        {!jsonError && (
          <CopyMenu
            label="Copy start"
            action={{
              kind: 'start',
              stateMachine: machine,
              input: JSON.stringify(parsed),
              name: name || undefined,
              qualifier: target === 'latest' ? undefined : target.split(':')[1],
            }}
          />
        )}
      </form>
    </dialog>
  );
}
