import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, login } from './api';
import { Field, Problem } from './ui';

export function Login({ onSignedIn, ready, oidc }: { onSignedIn: () => void; ready: boolean; oidc: boolean }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const next = new URLSearchParams(location.search).get('next');
  const expired = !!next && next !== '#/desk';

  useEffect(() => {
    form.current?.querySelector('input')?.focus();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(name.trim(), password);
      onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.status === 429)
        setError('Too many attempts. Wait a few minutes and try again.');
      else if (err instanceof ApiError) setError(err.body.message);
      else setError(String(err));
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <div class="login-card">
        <div class="login-brand">
          <span class="logo" aria-hidden="true">fk</span>
          <div>
            <h1>fleetkeep</h1>
            <p class="muted">Device desk</p>
          </div>
        </div>
        {expired && <p class="notice notice-info" role="status">Sign in again to go back to where you were.</p>}
        <form ref={form} onSubmit={submit} aria-busy={busy || !ready}>
          <Field label="Name" name="name" value={name} onInput={setName} autoComplete="username" required />
          <Field label="Password" name="password" type="password" value={password} onInput={setPassword} autoComplete="current-password" required />
          <Problem text={error} />
          <button type="submit" class="primary wide" disabled={busy}>
            Sign in
          </button>
        </form>
        {oidc && (
          <a class="button wide" href="/auth/oidc/start">
            Sign in with Google
          </a>
        )}
      </div>
    </main>
  );
}
