// A Google source's write-back: the changes fleetkeep would make in Google's records (Google's value
// beside fleetkeep's), and "Apply" for admins, which sends them now even in dry run.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, seg } from './api';
import { isAdmin, label, type Me } from './logic';
import type { WriteBack } from './types';
import { errorsOf, Notice, Problem, Time } from './ui';

export function WriteBackPanel({ source, user, polls }: { source: string; user: Me; polls: number }) {
  const [data, setData] = useState<WriteBack | null>(null);
  const [absent, setAbsent] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // The last_run an apply started after: until it moves, look again every second.
  const [waitingSince, setWaitingSince] = useState<string | null | undefined>(undefined);
  const [done, setDone] = useState<string | null>(null);
  const path = `/api/v1/sources/${seg(source)}/write-back`;

  const load = () =>
    api.get<WriteBack>(path).then(
      (w) => {
        setData(w);
        return w;
      },
      (e) => {
        // 404: no write_back block; 403: a user scoped to one building, who does not see it.
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) setAbsent(true);
        else setProblem(errorsOf(e).general);
        return null;
      },
    );
  useEffect(() => {
    load();
  }, [source, polls]);
  useEffect(() => {
    if (waitingSince === undefined) return;
    const t = setInterval(async () => {
      const w = await load();
      if (w && w.last_run && w.last_run !== waitingSince) {
        setWaitingSince(undefined);
        setDone(`Write-back: ${w.last_result ?? 'done'}; ${w.pending} change${w.pending === 1 ? '' : 's'} pending.`);
      }
    }, 1000);
    return () => clearInterval(t);
  }, [waitingSince]);

  if (absent) return null;
  const apply = async () => {
    setProblem(null);
    setDone(null);
    try {
      await api.post(path + ':apply');
      setWaitingSince(data?.last_run ?? null);
    } catch (e) {
      setProblem(errorsOf(e).general);
    }
  };
  const id = 'wb-' + source;
  return (
    <section class="wb" aria-labelledby={id}>
      <h3 id={id} class="small-h">
        Write-back to {source} {data?.dry_run && <span class="badge badge-on_order">dry run</span>}
      </h3>
      <Problem text={problem} />
      <Notice text={done} />
      {data && (
        <>
          <p class="muted">
            {data.pending} pending · last run {data.last_run ? <Time at={data.last_run} /> : 'never'}
            {data.last_result ? ` (${data.last_result})` : ''}
            {data.stopped && data.stopped_message ? ` · stopped: ${data.stopped_message}` : ''}
            {data.cap_hit ? ' · too many disables: held back' : ''}
          </p>
          {data.changes.length > 0 && (
            <table class="table">
              <caption class="sr-only">Changes pending for {source}</caption>
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Field</th>
                  <th scope="col">Google</th>
                  <th scope="col">fleetkeep</th>
                </tr>
              </thead>
              <tbody>
                {data.changes.map((c) => (
                  <tr key={c.device_id + c.action} class={c.last_error ? 'row-bad' : ''}>
                    <td>
                      <a href={'#/device/' + c.device_id}>{c.asset_tag ?? c.device_id}</a>
                    </td>
                    <td>
                      {label(c.action)} <span class="mono muted">{c.field}</span>
                      {c.held && <span class="flag flag-bad">held</span>}
                    </td>
                    <td class="mono">{c.google ?? '—'}</td>
                    <td class="mono">
                      {c.fleetkeep ?? '—'}
                      {c.reason && <span class="muted"> ({c.reason})</span>}
                      {c.last_error && <span class="field-error"> {c.last_error}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {isAdmin(user) && (
            <button type="button" disabled={!data.pending || waitingSince !== undefined} onClick={apply} aria-label={`Apply write-back: ${source}`}>
              {waitingSince !== undefined ? 'Applying…' : 'Apply'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
