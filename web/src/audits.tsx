// Audits (stocktakes of a place: scan what is there, see what is missing) and the collection
// campaigns that bring lent devices back at the end of the year.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import { AUDIT_STATES, canWrite, label, scanMessage, type Me } from './logic';
import type { Audit, AuditItem, Collection, ScanResult } from './types';
import { CollectionForm, CollectionList } from './collections';
import { errorsOf, Field, Loading, noErrors, Notice, Panel, Problem, Select, Time, useLoad, type FormErrors } from './ui';

export function Audits({ user }: { user: Me }) {
  const audits = useLoad(() => api.get<{ items: Audit[] }>('/api/v1/audits'), []);
  const collections = useLoad(() => api.get<{ items: Collection[] }>('/api/v1/collections'), []);
  return (
    <div class="page">
      <h1>Audits</h1>
      <Panel title="Stocktakes" id="audits-h">
        {canWrite(user) && <StartAudit />}
        <Problem text={audits.error?.general} />
        {!audits.data && !audits.error && <Loading what="audits" />}
        {audits.data && (
          <table class="table">
            <caption class="sr-only">Audits</caption>
            <thead>
              <tr>
                <th scope="col">Audit</th>
                <th scope="col">Place</th>
                <th scope="col">Status</th>
                <th scope="col">Expected</th>
                <th scope="col">Found</th>
                <th scope="col">Missing</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {audits.data.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <a href={'#/audits/' + a.id}>{a.name}</a>
                  </td>
                  <td>{a.location}</td>
                  <td>{a.status}</td>
                  <td>{a.counts.expected}</td>
                  <td>{a.counts.found}</td>
                  <td>{a.counts.missing}</td>
                  <td>
                    <Time at={a.created_at} />
                  </td>
                </tr>
              ))}
              {!audits.data.items.length && (
                <tr>
                  <td colSpan={7} class="muted">
                    No audits yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title="Collection campaigns" id="collections-h">
        {canWrite(user) && <CollectionForm />}
        <Problem text={collections.error?.general} />
        {collections.data && <CollectionList items={collections.data.items} />}
      </Panel>
    </div>
  );
}

function StartAudit() {
  const [name, setName] = useState('');
  const [place, setPlace] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const a = await api.post<Audit>('/api/v1/audits', { name: name.trim(), location: place.trim() });
      location.hash = '#/audits/' + a.id;
    } catch (err) {
      setErrors(errorsOf(err));
      setBusy(false);
    }
  };
  return (
    <form class="filters" onSubmit={submit} aria-label="Start an audit">
      <Field label="Audit name" name="name" value={name} onInput={setName} error={errors.fields.name} />
      <Field label="Place" name="location" value={place} onInput={setPlace} error={errors.fields.location} hint="A school, room or cart: Maple Elementary / Cart 3" wide />
      <button type="submit" class="primary" disabled={busy}>
        Start audit
      </button>
      <Problem text={errors.general} />
    </form>
  );
}

export function AuditPage({ id, user }: { id: number; user: Me }) {
  const { data, error, reload } = useLoad(() => api.get<Audit>('/api/v1/audits/' + id), [id]);
  const [code, setCode] = useState('');
  const [last, setLast] = useState<ReturnType<typeof scanMessage> | null>(null);
  const [lostFound, setLostFound] = useState<Set<number>>(new Set());
  const [problem, setProblem] = useState<FormErrors | null>(null);
  const box = useRef<HTMLInputElement>(null);
  const open = data?.status === 'open';
  const scanning = open && canWrite(user);

  // Others may scan the same place from their own station: the counts follow them.
  useEffect(() => {
    if (!open) return;
    const t = setInterval(reload, 5000);
    return () => clearInterval(t);
  }, [open]);
  useEffect(() => {
    if (scanning) box.current?.focus();
  }, [scanning]);

  const scan = async (e: Event) => {
    e.preventDefault();
    const c = code.trim();
    if (!c) return;
    setProblem(null);
    try {
      const r = await api.post<ScanResult>(`/api/v1/audits/${id}/scans`, { code: c });
      setLast(scanMessage(r));
      if (r.lost_found && r.device) setLostFound((s) => new Set(s).add(r.device!.id));
      setCode('');
      reload();
    } catch (err) {
      setProblem(errorsOf(err));
      // Selected, so the next scan replaces the refused code.
      box.current?.select();
    }
    box.current?.focus();
  };

  if (error) return <Problem text={error.general} />;
  if (!data) return <Loading what="the audit" />;
  const counts = data.counts;
  return (
    <div class="page">
      <p class="crumbs">
        <a href="#/audits">Audits</a>
      </p>
      <div class="page-head">
        <div>
          <h1>{data.name}</h1>
          <p class="muted">
            {data.location} · {data.status === 'open' ? 'open' : 'closed'} · started <Time at={data.created_at} /> by {data.created_by}
          </p>
        </div>
        <a class="button" href={`/api/v1/audits/${id}?format=csv`} download={`audit-${id}.csv`}>
          Download CSV
        </a>
      </div>
      {scanning && (
        <form class="scanbar" onSubmit={scan}>
          <label for="audit-scan">Scan a device’s tag or serial</label>
          <div class="scanrow">
            <input
              id="audit-scan"
              ref={box}
              value={code}
              autoComplete="off"
              spellcheck={false}
              aria-describedby="audit-scan-hint"
              aria-invalid={problem?.fields.code ? 'true' : undefined}
              onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="primary">
              Count
            </button>
          </div>
          <p id="audit-scan-hint" class="hint">
            A scanner types the code and Enter; the box stays ready for the next one.
          </p>
        </form>
      )}
      <Problem text={problem?.fields.code ?? problem?.general} />
      {last && (
        <div class={`notice notice-${last.kind === 'error' ? 'error' : last.kind}`} role="status" data-testid="scan-result">
          {last.text}
        </div>
      )}
      <ul class="tiles" aria-label="Counts" aria-live="polite">
        <li>
          <span class="tile">
            <span class="tile-n" data-testid="count-expected">{counts.expected}</span>
            <span class="tile-t">expected</span>
          </span>
        </li>
        {AUDIT_STATES.map((s) => (
          <li key={s}>
            <span class={'tile' + (s !== 'found' && counts[s] ? ' tile-warn' : '')}>
              <span class="tile-n" data-testid={'count-' + s}>{counts[s]}</span>
              <span class="tile-t">{s}{s === 'missing' && counts.seen_by_source ? ` (${counts.seen_by_source} seen by a source)` : ''}</span>
            </span>
          </li>
        ))}
      </ul>
      {data.close_result && <CloseResult audit={data} />}
      {scanning && <CloseAudit id={id} onClosed={reload} />}
      {AUDIT_STATES.map((s) => (
        <AuditList key={s} state={s} items={data.lists?.[s] ?? []} lostFound={lostFound} />
      ))}
    </div>
  );
}

function AuditList({ state, items, lostFound }: { state: string; items: AuditItem[]; lostFound: Set<number> }) {
  if (!items.length) return null;
  return (
    <Panel title={`${label(state)[0].toUpperCase()}${label(state).slice(1)} (${items.length})`} id={'list-' + state}>
      <table class="table">
        <caption class="sr-only">{label(state)} devices</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Model</th>
            <th scope="col">Status</th>
            <th scope="col">{state === 'misplaced' ? 'Belongs at' : 'Location'}</th>
            <th scope="col">{state === 'missing' ? 'Last seen' : 'Scanned'}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => {
            const lost = i.lost_found || (i.device_id != null && lostFound.has(i.device_id));
            return (
              <tr key={(i.device_id ?? i.code) + state} class={lost ? 'row-bad' : ''}>
                <td>
                  {i.device_id != null ? <a href={'#/device/' + i.device_id}>{i.asset_tag ?? i.serial}</a> : <span class="mono">{i.code}</span>}
                  {lost && <span class="flag flag-bad">lost device found</span>}
                </td>
                <td>{i.model ?? '—'}</td>
                <td>{i.status ? label(i.status) : '—'}</td>
                {/* A misplaced device was not in the snapshot: where the registry has it is where it belongs. */}
                <td>{(state === 'misplaced' ? i.expected_location ?? i.location : i.location ?? i.expected_location) ?? '—'}</td>
                <td>
                  {state === 'missing' ? (
                    i.last_seen ? (
                      <>
                        {i.last_seen.source}, <Time at={i.last_seen.at} />
                      </>
                    ) : (
                      'never'
                    )
                  ) : (
                    <Time at={i.scanned_at} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Panel>
  );
}

function CloseAudit({ id, onClosed }: { id: number; onClosed: () => void }) {
  const [move, setMove] = useState(false);
  const [missingTo, setMissingTo] = useState('none');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await api.post(`/api/v1/audits/${id}/close`, { move_misplaced: move, missing_to: missingTo });
      onClosed();
    } catch (err) {
      setErrors(errorsOf(err));
    }
  };
  return (
    <form class="filters" onSubmit={submit} aria-label="Close the audit">
      <div class="field">
        <label>
          <input type="checkbox" checked={move} onChange={(e) => setMove((e.target as HTMLInputElement).checked)} /> Move misplaced devices here
        </label>
      </div>
      <Select
        label="Missing devices"
        name="missing_to"
        value={missingTo}
        onChange={setMissingTo}
        options={[['none', 'Leave them'], ['lost', 'Mark them lost']]}
        error={errors.fields.missing_to}
      />
      <button type="submit">Close audit</button>
      <Problem text={errors.general} />
    </form>
  );
}

function CloseResult({ audit }: { audit: Audit }) {
  const r = audit.close_result!;
  return (
    <Notice
      kind="info"
      text={`Closed ${audit.closed_at ? new Date(audit.closed_at).toLocaleString() : ''} by ${audit.closed_by ?? '—'}: ${r.moved.length} moved here, ${r.marked_lost.length} marked lost, ${r.skipped.length} skipped.`}
    />
  );
}
