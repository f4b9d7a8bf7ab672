/** The console shell: sign-in when the API wants a key, navigation, and the routed views. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, saveKey, savedKey } from './api';
import { ExecutionList } from './executions-list';
import { ExecutionView } from './execution/execution-view';
import { MachineList } from './machines/machine-list';
import { MachineView } from './machines/machine-view';
import { href, useRoute } from './router';

type AuthState = 'checking' | 'open' | 'signed-in' | 'needs-key';

export function App() {
  const route = useRoute();
  const [auth, setAuth] = useState<AuthState>('checking');
  const [problem, setProblem] = useState<string>();

  const check = useCallback(async () => {
    try {
      await api('GET', '/v1/state-machines?limit=1');
      setAuth(savedKey() ? 'signed-in' : 'open');
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 401) {
        if (savedKey()) setProblem('That key was refused (unknown, revoked or mistyped).');
        saveKey(undefined);
        setAuth('needs-key');
      } else if (err instanceof ApiFailure && err.status === 403) {
        setProblem('That key lacks the read scope.');
        saveKey(undefined);
        setAuth('needs-key');
      } else setProblem(`The API is unreachable: ${String(err)}`);
    }
  }, []);
  useEffect(() => void check(), [check]);

  if (auth === 'checking') return <main class="page">{problem ? <p role="alert">{problem}</p> : <p>Loading…</p>}</main>;
  if (auth === 'needs-key')
    return (
      <SignIn
        problem={problem}
        onKey={(key) => {
          saveKey(key);
          setProblem(undefined);
          void check();
        }}
      />
    );

  const [section, id] = route.path;
  return (
    <>
      <header class="top">
        <a href={href()} class="brand">
          Stepflow
        </a>
        <nav aria-label="Main">
          <a href={href('machines')} aria-current={section === 'machines' || !section ? 'page' : undefined}>
            State machines
          </a>
          <a href={href('executions')} aria-current={section === 'executions' ? 'page' : undefined}>
            Executions
          </a>
        </nav>
        {auth === 'signed-in' ? (
          <button
            type="button"
            class="link"
            onClick={() => {
              saveKey(undefined);
              void check();
            }}
          >
            Sign out
          </button>
        ) : (
          <span class="muted">API keys off</span>
        )}
      </header>
      <main class="page" id="main">
        {section === 'executions' && id ? (
          <ExecutionView executionId={id} key={id} />
        ) : section === 'executions' ? (
          <ExecutionList query={route.query} />
        ) : section === 'machines' && id ? (
          <MachineView name={id} key={id} tab={route.path[2]} />
        ) : (
          <MachineList />
        )}
      </main>
    </>
  );
}

function SignIn({ problem, onKey }: { problem?: string; onKey: (key: string) => void }) {
  const [key, setKey] = useState('');
  return (
    <main class="page sign-in">
      <h1>Sign in to Stepflow</h1>
      <p>
        This API requires an API key. A key with the read scope is enough to look; starting, stopping and redriving need
        execute.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) onKey(key.trim());
        }}
      >
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          value={key}
          placeholder="<id>.<secret>"
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <button type="submit">Sign in</button>
      </form>
      {problem && (
        <p role="alert" class="error">
          {problem}
        </p>
      )}
    </main>
  );
}
