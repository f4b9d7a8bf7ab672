/** Redrive: first shows which states will run again (and which results are reused), then redrives. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, seg } from '../api';
import { redrivePlan } from './redrive-plan';
import type { HistoryModel } from './status';

export function RedriveDialog({
  history,
  executionId,
  onClose,
  onRedriven,
}: {
  history: HistoryModel;
  executionId: string;
  onClose: () => void;
  onRedriven: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string>();
  useEffect(() => dialog.current?.showModal(), []);
  const plan = redrivePlan(history);
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="redrive-title" onClose={onClose}>
      <h2 id="redrive-title">Redrive {executionId}</h2>
      <h3>Will run again</h3>
      <ul data-testid="redrive-rerun">
        {plan.rerun.map((state) => (
          <li key={state}>
            {state}
            {plan.iterations.has(state) ? ` (iterations ${plan.iterations.get(state)?.join(', ')})` : ''}
          </li>
        ))}
        <li class="muted">then the states after them, as the definition says</li>
      </ul>
      <h3>Reused (not run again)</h3>
      <p>{plan.reused.length > 0 ? plan.reused.join(', ') : 'nothing'}</p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div class="buttons">
        <button
          type="button"
          onClick={() =>
            api('POST', `/v1/executions/${seg(executionId)}/redrive`).then(
              () => {
                dialog.current?.close();
                onRedriven();
              },
              (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
            )
          }
        >
          Redrive now
        </button>
        <button type="button" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
