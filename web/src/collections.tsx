// Collection campaigns: who still holds what, and the collection mode: the return flow with the
// campaign's running totals and a receipt for each family.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, seg } from './api';
import { canWrite, percent, type Me } from './logic';
import type { Checkout, Collection, Device, OutstandingLoan } from './types';
import { DateText, errorsOf, Field, Loading, Panel, Problem, Select, Slip, SlipFacts, SubPageHead, Table, Time, useLoad } from './ui';
import { ScanBox, useSubmit } from './form';

export function CollectionForm() {
  const [name, setName] = useState('');
  const [deadline, setDeadline] = useState('');
  const [place, setPlace] = useState('');
  const [grades, setGrades] = useState('');
  const { errors, submit } = useSubmit(async () => {
    const body: Record<string, unknown> = { name: name.trim(), deadline };
    if (place.trim()) body.location = place.trim();
    const g = grades.split(',').map((x) => x.trim()).filter(Boolean);
    if (g.length) body.grades = g;
    const c = await api.post<Collection>('/api/v1/collections', body);
    location.hash = '#/collections/' + c.id;
  });
  const gradeError = Object.entries(errors.fields).find(([k]) => k.startsWith('grades'))?.[1];
  return (
    <form class="filters" onSubmit={submit} aria-label="Create a campaign">
      <Field label="Campaign name" name="name" value={name} onInput={setName} error={errors.fields.name} />
      <Field label="Deadline" name="deadline" type="date" value={deadline} onInput={setDeadline} error={errors.fields.deadline} />
      <Field label="School or place" name="location" value={place} onInput={setPlace} error={errors.fields.location} hint="Empty: the whole district" />
      <Field label="Grades" name="grades" value={grades} onInput={setGrades} error={gradeError} hint="Comma-separated; empty: all" />
      <button type="submit" class="primary">
        Create campaign
      </button>
      <Problem text={errors.general} />
    </form>
  );
}

export function CollectionList({ items }: { items: Collection[] }) {
  return (
    <Table caption="Collection campaigns" heads={['Campaign', 'Deadline', 'Returned', 'Outstanding', 'Status']} empty={items.length ? undefined : 'No campaigns yet.'}>
      {items.map((c) => (
        <tr key={c.id} class={c.behind ? 'row-bad' : ''}>
          <td>
            <a href={'#/collections/' + c.id}>{c.name}</a>
          </td>
          <td>
            <DateText date={c.deadline} />
          </td>
          <td>
            {c.counts.returned} of {c.counts.expected}
          </td>
          <td>{c.counts.outstanding}</td>
          <td>
            {c.status}
            {c.behind && <span class="flag flag-bad">behind</span>}
          </td>
        </tr>
      ))}
    </Table>
  );
}

function Totals({ c, station }: { c: Collection; station?: number }) {
  return (
    <ul class="tiles" aria-label="Campaign totals" aria-live="polite">
      <li>
        <span class="tile">
          <span class="tile-n" data-testid="coll-returned">{c.counts.returned}</span>
          <span class="tile-t">returned ({percent(c.counts.returned, c.counts.expected)})</span>
        </span>
      </li>
      <li>
        <span class={'tile' + (c.counts.outstanding ? ' tile-warn' : '')}>
          <span class="tile-n" data-testid="coll-outstanding">{c.counts.outstanding}</span>
          <span class="tile-t">outstanding</span>
        </span>
      </li>
      <li>
        <span class="tile">
          <span class="tile-n">{c.counts.expected}</span>
          <span class="tile-t">expected</span>
        </span>
      </li>
      {station !== undefined && (
        <li>
          <span class="tile">
            <span class="tile-n" data-testid="coll-station">{station}</span>
            <span class="tile-t">at this station</span>
          </span>
        </li>
      )}
    </ul>
  );
}

export function CollectionPage({ id, user }: { id: number; user: Me }) {
  const { data, error, reload } = useLoad(() => api.get<Collection>('/api/v1/collections/' + id), [id]);
  const [problem, setProblem] = useState<string | null>(null);
  if (error) return <Problem text={error.general} />;
  if (!data) return <Loading what="the campaign" />;
  const open = data.status === 'open';
  const close = async () => {
    try {
      await api.post(`/api/v1/collections/${id}/close`);
      reload();
    } catch (e) {
      setProblem(errorsOf(e).general);
    }
  };
  const rows = Array.isArray(data.outstanding) ? data.outstanding : [];
  return (
    <div class="page">
      <SubPageHead
        back="#/audits"
        backText="Audits"
        title={data.name}
        about={
          <>
            Deadline <DateText date={data.deadline} /> · {data.scope.location ?? 'whole district'}
            {data.scope.grades.length ? ` · grade ${data.scope.grades.join(', ')}` : ''} · {data.status}
            {data.behind && <span class="flag flag-bad">behind</span>}
          </>
        }
        actions={
          <div class="actions">
            {open && canWrite(user) && (
              <a class="button primary" href={`#/collections/${id}/collect`}>
                Collection mode
              </a>
            )}
            <a class="button" href={`/api/v1/collections/${id}?format=csv`} download={`collection-${id}-outstanding.csv`}>
              Download CSV
            </a>
            {open && canWrite(user) && (
              <button type="button" onClick={close}>
                Close campaign
              </button>
            )}
          </div>
        }
      />
      <Problem text={problem} />
      <Totals c={data} />
      <Panel title={`Outstanding (${rows.length})`} id="outstanding-h">
        <OutstandingTable rows={rows} />
      </Panel>
    </div>
  );
}

function OutstandingTable({ rows }: { rows: OutstandingLoan[] }) {
  return (
    <Table caption="Devices not returned yet" heads={['Holder', 'Homeroom', 'Device', 'Due', 'Last seen']} empty={rows.length ? undefined : 'Everything is back.'}>
      {rows.map((o) => (
        <tr key={o.checkout_id} class={o.overdue ? 'row-bad' : ''}>
          <td>
            <a href={'#/person/' + encodeURIComponent(o.holder.external_id)}>{o.holder.name}</a> <span class="mono muted">{o.holder.external_id}</span>
          </td>
          <td>{o.holder.homeroom ?? '—'}</td>
          <td>
            <a href={'#/device/' + o.device.id}>{o.device.asset_tag ?? o.device.serial}</a>
          </td>
          <td>
            <DateText date={o.due} /> {o.overdue && <span class="flag flag-bad">overdue</span>}
          </td>
          <td>
            {o.last_seen ? (
              <>
                {o.last_seen.source}, <Time at={o.last_seen.at} />
              </>
            ) : (
              'never'
            )}
          </td>
        </tr>
      ))}
    </Table>
  );
}

// This station's returns for a campaign: kept in the tab, so a reload does not lose the count.
const stationKey = (id: number) => 'fk.collect.' + id;

// A scanned code is a tag or a serial: the device is found first, so a refused return says why (no
// open loan) rather than that a serial does not exist.
async function deviceByCode(code: string): Promise<Device> {
  try {
    return await api.get<Device>('/api/v1/devices/' + seg('tag:' + code));
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  try {
    return await api.get<Device>('/api/v1/devices/' + seg('serial:' + code));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw new Error(`${code}: no device has this tag or serial.`);
    throw e;
  }
}

export function CollectMode({ id, user }: { id: number; user: Me }) {
  const { data, error, reload } = useLoad(() => api.get<Collection>('/api/v1/collections/' + id), [id]);
  const [code, setCode] = useState('');
  const [condition, setCondition] = useState('good');
  const [station, setStation] = useState(() => Number(sessionStorage.getItem(stationKey(id)) ?? 0));
  const [last, setLast] = useState<Checkout | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const box = useRef<HTMLInputElement>(null);
  useEffect(() => {
    box.current?.focus();
  }, [!!data]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const c = code.trim();
    if (!c) return;
    // Emptied now, not when the server answers: a scanner's next code can arrive in the meantime.
    setCode('');
    setProblem(null);
    try {
      const body: Record<string, unknown> = { condition };
      if (condition === 'damaged') body.open_work_order = { category: 'other', description: 'damaged at collection' };
      const device = await deviceByCode(c);
      const r = await api.post<Checkout>(`/api/v1/devices/${device.id}/return`, body);
      setLast(r);
      setStation((n) => {
        sessionStorage.setItem(stationKey(id), String(n + 1));
        return n + 1;
      });
      setCondition('good');
      reload();
    } catch (err) {
      setProblem(err instanceof ApiError ? `${c}: ${err.body.message}` : String((err as Error).message));
      // Back in the box (unless the next code is already there) and selected, so the next scan
      // replaces the refused code.
      setCode((now) => now || c);
      requestAnimationFrame(() => box.current?.select());
    }
    box.current?.focus();
  };

  if (!canWrite(user)) return <Problem text="Collecting returns devices: it needs a technician or an admin." />;
  if (error) return <Problem text={error.general} />;
  if (!data) return <Loading what="the campaign" />;
  return (
    <div class="page">
      <p class="crumbs">
        <a href={'#/collections/' + id}>{data.name}</a>
      </p>
      <h1>Collecting: {data.name}</h1>
      <Totals c={data} station={station} />
      <ScanBox id="collect-scan" label="Scan a returned device" button="Return" inputRef={box} code={code} setCode={setCode} onSubmit={submit}>
        <div class="filters">
          <Select label="Condition" name="condition" value={condition} onChange={setCondition} options={[['good', 'Good'], ['damaged', 'Damaged (opens a repair)'], ['missing_parts', 'Missing parts']]} />
        </div>
      </ScanBox>
      <Problem text={problem} />
      {last && (
        <div class="notice notice-ok" role="status">
          {last.device.asset_tag ?? last.device.serial} returned{last.person ? ` by ${last.person.name}` : ''}.{' '}
          <a href={`#/collections/${id}/receipt/${last.id}`}>Print receipt</a>
        </div>
      )}
    </div>
  );
}

export function ReturnReceipt({ id, checkout }: { id: number; checkout: number }) {
  const { data, error } = useLoad(async () => {
    const c = await api.get<Checkout>('/api/v1/checkouts/' + checkout);
    const [d, k] = await Promise.all([api.get<Device>('/api/v1/devices/' + c.device.id), api.get<Collection>('/api/v1/collections/' + id)]);
    return { c, d, k };
  }, [id, checkout]);
  if (error) return <Problem text={error.general} />;
  if (!data) return <Loading what="the receipt" />;
  const { c, d, k } = data;
  return (
    <Slip back={`#/collections/${id}/collect`} backText="Back to collecting" title="Return receipt">
      <p>{k.name}</p>
      <SlipFacts who="Returned by" c={c} d={d}>
        <dt>Returned on</dt>
        <dd>
          <Time at={c.returned_at} />
        </dd>
        <dt>Condition</dt>
        <dd>{c.condition_in ?? 'good'}</dd>
      </SlipFacts>
      <p class="slip-foot">The district received this device back. Keep this receipt.</p>
    </Slip>
  );
}
