// Audits (stocktakes of a place: scan what is there, see what is missing) and the collection
// campaigns that bring lent devices back at the end of the year.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import { AUDIT_STATES, canWrite, label, scanMessage, type Me } from './logic';
import type { Audit, AuditItem, Collection, ScanResult } from './types';
import { CollectionForm, CollectionList } from './collections';
import { errorsOf, Field, formatTime, Loading, Notice, Panel, Problem, Select, SubPageHead, Table, Time, useLoad, type FormErrors } from './ui';
import { ScanBox, useSubmit } from './form';

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
          <Table caption="Audits" heads={['Audit', 'Place', 'Status', 'Expected', 'Found', 'Missing', 'Started']} empty={audits.data.items.length ? undefined : 'No audits yet.'}>
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
          </Table>
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
  const { errors, busy, submit } = useSubmit(async () => {
    const a = await api.post<Audit>('/api/v1/audits', { name: name.trim(), location: place.trim() });
    location.hash = '#/audits/' + a.id;
  });
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
    // Emptied now, not when the server answers: a scanner's next code can arrive in the meantime.
    setCode('');
    setProblem(null);
    try {
      const r = await api.post<ScanResult>(`/api/v1/audits/${id}/scans`, { code: c });
      setLast(scanMessage(r));
      if (r.lost_found && r.device) setLostFound((s) => new Set(s).add(r.device!.id));
      reload();
    } catch (err) {
      setProblem(errorsOf(err));
      // Back in the box (unless the next code is already there) and selected, so the next scan
      // replaces the refused code.
      setCode((now) => now || c);
      requestAnimationFrame(() => box.current?.select());
    }
    box.current?.focus();
  };

  if (error) return <Problem text={error.general} />;
  if (!data) return <Loading what="the audit" />;
  const counts = data.counts;
  return (
    <div class="page">
      <SubPageHead
        back="#/audits"
        backText="Audits"
        title={data.name}
        about={
          <>
            {data.location} · {data.status === 'open' ? 'open' : 'closed'} · started <Time at={data.created_at} /> by {data.created_by}
          </>
        }
        actions={
          <a class="button" href={`/api/v1/audits/${id}?format=csv`} download={`audit-${id}.csv`}>
            Download CSV
          </a>
        }
      />
      {scanning && (
        <ScanBox
          id="audit-scan"
          label="Scan a device’s tag or serial"
          button="Count"
          inputRef={box}
          code={code}
          setCode={setCode}
          onSubmit={scan}
          invalid={!!problem?.fields.code}
          hint="A scanner types the code and Enter; the box stays ready for the next one."
        />
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
      <Table caption={`${label(state)} devices`} heads={['Device', 'Model', 'Status', state === 'misplaced' ? 'Belongs at' : 'Location', state === 'missing' ? 'Last seen' : 'Scanned']}>
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
      </Table>
    </Panel>
  );
}

function CloseAudit({ id, onClosed }: { id: number; onClosed: () => void }) {
  const [move, setMove] = useState(false);
  const [missingTo, setMissingTo] = useState('none');
  const { errors, submit } = useSubmit(async () => {
    await api.post(`/api/v1/audits/${id}/close`, { move_misplaced: move, missing_to: missingTo });
    onClosed();
  });
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
      text={`Closed ${audit.closed_at ? formatTime(audit.closed_at) : ''} by ${audit.closed_by ?? '—'}: ${r.moved.length} moved here, ${r.marked_lost.length} marked lost, ${r.skipped.length} skipped.`}
    />
  );
}
