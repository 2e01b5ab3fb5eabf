// Sources: each one's health, last success, counts and errors; "Poll now" for admins; for a source
// that writes back to Google, what it would change there and "Apply".
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from './api';
import { ago, isAdmin, label, type Me } from './logic';
import type { SourceJson } from './types';
import { errorsOf, Loading, Notice, Problem, Time, useLoad } from './ui';
import { WriteBackPanel } from './write_back';

export function Sources({ user }: { user: Me }) {
  const { data, error, reload } = useLoad(() => api.get<{ items: SourceJson[] }>('/api/v1/sources'), []);
  const [waiting, setWaiting] = useState<Record<string, number>>({});
  const [done, setDone] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  // While a poll someone started runs, look again every second until its count moves.
  useEffect(() => {
    if (!Object.keys(waiting).length) return;
    const t = setInterval(reload, 1000);
    return () => clearInterval(t);
  }, [waiting]);
  useEffect(() => {
    if (!data) return;
    const left = { ...waiting };
    for (const s of data.items)
      if (s.name in left && s.polls > left[s.name] && !s.running) {
        delete left[s.name];
        setDone(`${s.name}: poll finished (${s.last_result ?? 'no result'}).`);
      }
    if (Object.keys(left).length !== Object.keys(waiting).length) setWaiting(left);
  }, [data]);

  const poll = async (s: SourceJson) => {
    setProblem(null);
    setDone(null);
    try {
      await api.post(`/api/v1/sources/${seg(s.name)}/poll`);
      setWaiting({ ...waiting, [s.name]: s.polls });
    } catch (e) {
      setProblem(errorsOf(e).general);
    }
  };
  const now = new Date();

  return (
    <div class="page">
      <h1>Sources</h1>
      <Notice text={done} />
      <Problem text={problem ?? error?.general} />
      {!data && !error && <Loading what="sources" />}
      {data && !data.items.length && <p class="muted">No sources are configured.</p>}
      <div class="source-grid">
        {data?.items.map((s) => (
          <article class="card source" key={s.name} aria-labelledby={'src-' + s.name}>
            <header class="card-head">
              <div>
                <p class="eyebrow">{label(s.plugin)}</p>
                <h2 id={'src-' + s.name}>{s.name}</h2>
              </div>
              <span class={'badge ' + (s.last_result === 'ok' ? 'badge-in_stock' : s.last_result === 'failed' ? 'badge-lost' : 'badge-on_order')}>
                {s.running || s.name in waiting ? 'polling…' : s.last_result === 'ok' ? 'healthy' : s.last_result === 'failed' ? 'failing' : 'not polled yet'}
              </span>
            </header>
            <dl class="facts">
              <dt>Last success</dt>
              <dd>{s.last_success ? <><Time at={s.last_success} /> ({ago(s.last_success, now)})</> : 'never'}</dd>
              <dt>Next poll</dt>
              <dd><Time at={s.next_poll} /></dd>
              <dt>Last poll saw</dt>
              <dd>
                {s.observed.toLocaleString()} observed · {s.created} created · {s.updated} updated · {s.flagged} flagged
              </dd>
            </dl>
            {s.last_result === 'failed' && (
              <p class="notice notice-error">
                {s.last_reason ? label(s.last_reason) + ': ' : ''}
                {s.last_error}
                {s.consecutive_failures > 1 ? ` (${s.consecutive_failures} failures in a row)` : ''}
              </p>
            )}
            {isAdmin(user) && (
              <button type="button" disabled={s.running || s.name in waiting} onClick={() => poll(s)} aria-label={`Poll now: ${s.name}`}>
                Poll now
              </button>
            )}
            {s.plugin === 'google_admin' && <WriteBackPanel source={s.name} user={user} polls={s.polls} />}
          </article>
        ))}
      </div>
    </div>
  );
}
