/** "Copy as": the action as a stepflow CLI, aws CLI or AWS SDK call, shown and copied. */
import { useState } from 'preact/hooks';
import { commandsFor, type Action } from './copy-command';

const FORMS = [
  ['cli', 'stepflow CLI'],
  ['aws', 'aws CLI'],
  ['sdk', 'AWS SDK (JavaScript)'],
] as const;

export function CopyMenu({ action, label }: { action: Action; label: string }) {
  const [form, setForm] = useState<'cli' | 'aws' | 'sdk'>();
  const [copied, setCopied] = useState(false);
  const commands = commandsFor(action, location.origin);
  return (
    <div class="copy-menu">
      <span>{label} as:</span>
      {FORMS.map(([key, name]) => (
        <button
          type="button"
          class="small"
          key={key}
          aria-pressed={form === key}
          onClick={() => {
            setForm(key);
            setCopied(false);
            navigator.clipboard?.writeText(commands[key]).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {name}
        </button>
      ))}
      {form && (
        <>
          <pre class="command" data-form={form} tabIndex={0} aria-label={`${label} as ${form}`}>
            {commands[form]}
          </pre>
          <span role="status">{copied ? 'Copied to the clipboard.' : 'Select the text to copy it.'}</span>
        </>
      )}
    </div>
  );
}
