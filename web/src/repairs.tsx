// The repair bench: the queue by status, one work order, and its printable slip.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, qs } from './api';
import { canWrite, label, money, queue, QUEUE_STATUSES, type Me } from './logic';
import type { Device, Page, WorkOrder } from './types';
import { LoanerForm } from './device';
import { Badge, errorsOf, Field, Loading, noErrors, Notice, Problem, Select, Time, useLoad, type FormErrors } from './ui';

const CATEGORIES = ['screen', 'keyboard', 'battery', 'charging', 'liquid', 'hinge', 'software', 'other'];
const PAYERS: Array<[string, string]> = [['', 'Not decided'], ['warranty', 'Warranty'], ['insurance', 'Insurance'], ['student_fee', 'Student fee'], ['district', 'District']];

async function allOpenOrders(): Promise<WorkOrder[]> {
  const out: WorkOrder[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<WorkOrder> = await api.get<Page<WorkOrder>>('/api/v1/work-orders' + qs({ open: true, limit: 1000, cursor }));
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && out.length < 5000);
  return out;
}

export function Repairs({ user }: { user: Me }) {
  const { data, error } = useLoad(allOpenOrders, []);
  const [category, setCategory] = useState('');
  const [assignee, setAssignee] = useState('');
  if (error) return <Problem text={error.general} />;
  const orders = data ?? [];
  const groups = queue(orders, { category, assignee });
  const assignees = [...new Set(orders.map((o) => o.assignee ?? ''))].filter(Boolean).sort();
  return (
    <div class="page">
      <div class="page-head">
        <h1>Repairs</h1>
        <div class="filters" role="group" aria-label="Filter the queue">
          <Select label="Category" name="category" value={category} onChange={setCategory} options={[['', 'All categories'], ...CATEGORIES.map((c): [string, string] => [c, label(c)])]} />
          <Select label="Assignee" name="assignee" value={assignee} onChange={setAssignee} options={[['', 'Anyone'], ...assignees.map((a): [string, string] => [a, a])]} />
        </div>
      </div>
      {!data && <Loading what="the repair queue" />}
      {data && !canWrite(user) && <p class="muted">You can read the queue; your role makes no changes.</p>}
      <div class="columns">
        {QUEUE_STATUSES.map((s) => (
          <section class="column" aria-labelledby={'q-' + s} key={s}>
            <h2 id={'q-' + s}>
              {label(s)} <span class="count">{groups[s].length}</span>
            </h2>
            <ul class="queue">
              {groups[s].map((o) => (
                <li key={o.id}>
                  <a href={'#/repairs/' + o.id} class={`ticket prio-${o.priority}`}>
                    <span class="ticket-top">
                      <strong>#{o.id}</strong> {o.device.asset_tag ?? o.device.serial}
                      {o.priority !== 'normal' && <span class={`flag prio-flag-${o.priority}`}>{o.priority}</span>}
                    </span>
                    <span class="ticket-desc">
                      {label(o.category)}: {o.description}
                    </span>
                    <span class="ticket-meta">
                      opened <Time at={o.opened_at} />
                      {o.assignee ? ` · ${o.assignee}` : ''}
                    </span>
                  </a>
                </li>
              ))}
              {data && !groups[s].length && <li class="muted empty">None</li>}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}

export function WorkOrderPage({ id, user }: { id: number; user: Me }) {
  const { data: order, error, reload, setData } = useLoad(() => api.get<WorkOrder>('/api/v1/work-orders/' + id), [id]);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [done, setDone] = useState<string | null>(null);
  const [part, setPart] = useState({ part: '', quantity: '1', unit_cost: '' });
  const [note, setNote] = useState('');
  const [resolution, setResolution] = useState('');
  const [loaner, setLoaner] = useState(false);
  const [meta, setMeta] = useState<{ assignee: string; payer: string; labour_minutes: string } | null>(null);

  useEffect(() => {
    if (order) setMeta({ assignee: order.assignee ?? '', payer: order.payer ?? '', labour_minutes: String(order.labour_minutes ?? 0) });
  }, [order?.version]);

  if (error) return <Problem text={error.general} />;
  if (!order || !meta) return <Loading what="the work order" />;
  const write = canWrite(user) && order.open;

  const act = async (what: string, fn: () => Promise<WorkOrder>) => {
    setErrors(noErrors);
    setDone(null);
    try {
      const o = await fn();
      setData(o);
      setDone(what);
      return true;
    } catch (e) {
      setErrors(errorsOf(e));
      return false;
    }
  };
  const move = (status: string) =>
    act(status === 'resolved' ? 'Resolved: the device goes back to its holder.' : `Moved to ${label(status)}.`, () =>
      api.patch<WorkOrder>('/api/v1/work-orders/' + id, { status, version: order.version, ...(status === 'resolved' && resolution.trim() ? { resolution: resolution.trim() } : {}) }),
    );
  const saveMeta = (e: Event) => {
    e.preventDefault();
    const labour = Number(meta.labour_minutes);
    act('Saved.', () =>
      api.patch<WorkOrder>('/api/v1/work-orders/' + id, {
        assignee: meta.assignee.trim() || null,
        payer: meta.payer || null,
        labour_minutes: Number.isFinite(labour) && meta.labour_minutes.trim() !== '' ? labour : meta.labour_minutes,
        version: order.version,
      }),
    );
  };
  const addPart = async (e: Event) => {
    e.preventDefault();
    const q = Number(part.quantity);
    if (await act(`Added ${part.part}.`, () => api.post<WorkOrder>(`/api/v1/work-orders/${id}/parts`, { part: part.part.trim(), quantity: Number.isInteger(q) ? q : part.quantity, unit_cost: part.unit_cost.trim() })))
      setPart({ part: '', quantity: '1', unit_cost: '' });
  };
  const addNote = async (e: Event) => {
    e.preventDefault();
    if (await act('Note added.', () => api.post<WorkOrder>(`/api/v1/work-orders/${id}/notes`, { text: note.trim() }))) setNote('');
  };
  const moves = order.allowed_statuses.filter((s) => s !== 'resolved');

  return (
    <div class="page">
      <p class="crumbs">
        <a href="#/repairs">Repair queue</a> / #{order.id}
      </p>
      <article class="card" aria-labelledby="wo-h">
        <header class="card-head">
          <div>
            <p class="eyebrow">
              Work order · {label(order.category)} · {order.priority} priority
            </p>
            <h1 id="wo-h">
              #{order.id} <a href={'#/device/' + order.device.id}>{order.device.asset_tag ?? order.device.serial}</a>
            </h1>
            <p>{order.description}</p>
          </div>
          <Badge status={order.status} />
        </header>
        <Notice text={done} />
        <Problem text={errors.general} />
        <div class="card-grid">
          <dl class="facts">
            <dt>Holder</dt>
            <dd>{order.holder ? (order.holder.type === 'person' ? `${order.holder.name} (${order.holder.external_id})` : order.holder.location) : 'Nobody'}</dd>
            <dt>Loaner</dt>
            <dd>
              {order.loaner ? (
                <>
                  <a href={'#/device/' + order.loaner.device.id}>{order.loaner.device.asset_tag}</a> {order.loaner.open ? '(out)' : '(back)'}
                </>
              ) : (
                'None'
              )}
            </dd>
            <dt>Opened</dt>
            <dd>
              <Time at={order.opened_at} /> by {order.opened_by}
            </dd>
            <dt>Cost</dt>
            <dd>
              parts {money(order.cost.parts)} + labour {money(order.cost.labour)} = <strong>{money(order.cost.total)}</strong>
            </dd>
            {order.closed_at && (
              <>
                <dt>Closed</dt>
                <dd>
                  <Time at={order.closed_at} /> {order.resolution ? `· ${order.resolution}` : ''}
                </dd>
              </>
            )}
          </dl>
          <div class="actions-col">
            <a class="button" href={`#/repairs/${order.id}/slip`}>
              Print repair slip
            </a>
            {write && !order.loaner && order.holder && (
              <button type="button" onClick={() => setLoaner(true)}>
                Give loaner
              </button>
            )}
          </div>
        </div>
        {loaner && (
          <LoanerForm
            order={order}
            onCancel={() => setLoaner(false)}
            onDone={(t) => {
              setLoaner(false);
              setDone(t);
              reload();
            }}
          />
        )}

        {write && (
          <section aria-labelledby="moves-h" class="moves">
            <h2 id="moves-h" class="small-h">
              Status
            </h2>
            <div class="actions" role="group" aria-label="Move the work order">
              {moves.map((s) => (
                <button type="button" key={s} onClick={() => move(s)}>
                  {label(s).replace(/^./, (c) => c.toUpperCase())}
                </button>
              ))}
            </div>
            {order.allowed_statuses.includes('resolved') && (
              <div class="resolve">
                <Field label="Resolution" name="resolution" value={resolution} onInput={setResolution} error={errors.fields.resolution} hint="What was done (optional)" />
                <button type="button" class="primary" onClick={() => move('resolved')}>
                  Resolve
                </button>
              </div>
            )}
            {errors.fields.status && <p class="field-error" role="alert">{errors.fields.status}</p>}
          </section>
        )}

        <h2 class="small-h">Parts</h2>
        {order.parts.length ? (
          <table class="table">
            <caption class="sr-only">Parts used</caption>
            <thead>
              <tr>
                <th scope="col">Part</th>
                <th scope="col" class="num">Qty</th>
                <th scope="col" class="num">Unit</th>
                <th scope="col" class="num">Cost</th>
                <th scope="col">Added</th>
              </tr>
            </thead>
            <tbody>
              {order.parts.map((p) => (
                <tr key={p.id}>
                  <td>{p.part}</td>
                  <td class="num">{p.quantity}</td>
                  <td class="num">{money(p.unit_cost)}</td>
                  <td class="num">{money(p.cost)}</td>
                  <td>
                    <Time at={p.added_at} /> {p.added_by}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">No parts yet.</p>
        )}
        {write && (
          <form class="inline-form" onSubmit={addPart} aria-label="Add a part">
            <Field label="Part" name="part" value={part.part} onInput={(v) => setPart({ ...part, part: v })} error={errors.fields.part} required />
            <Field label="Quantity" name="quantity" inputMode="numeric" value={part.quantity} onInput={(v) => setPart({ ...part, quantity: v })} error={errors.fields.quantity} />
            <Field label="Unit cost (54.00)" name="unit_cost" inputMode="decimal" value={part.unit_cost} onInput={(v) => setPart({ ...part, unit_cost: v })} error={errors.fields.unit_cost} />
            <button type="submit">Add part</button>
          </form>
        )}

        {canWrite(user) && (
          <form class="inline-form" onSubmit={saveMeta} aria-label="Assignee, payer and labour">
            <Field label="Assignee" name="assignee" value={meta.assignee} onInput={(v) => setMeta({ ...meta, assignee: v })} error={errors.fields.assignee} />
            <Select label="Payer" name="payer" value={meta.payer} onChange={(v) => setMeta({ ...meta, payer: v })} options={PAYERS} error={errors.fields.payer} />
            <Field label="Labour minutes (total)" name="labour_minutes" inputMode="numeric" value={meta.labour_minutes} onInput={(v) => setMeta({ ...meta, labour_minutes: v })} error={errors.fields.labour_minutes} />
            <button type="submit">Save</button>
          </form>
        )}

        <h2 class="small-h">Notes</h2>
        <ul class="timeline">
          {order.notes.map((n) => (
            <li key={n.id}>
              <Time at={n.at} /> <span class="muted">{n.author}</span>: {n.text}
            </li>
          ))}
          {!order.notes.length && <li class="muted">No notes.</li>}
        </ul>
        {canWrite(user) && (
          <form class="inline-form" onSubmit={addNote} aria-label="Add a note">
            <Field label="Note" name="note" value={note} onInput={setNote} error={errors.fields.text} wide required />
            <button type="submit">Add note</button>
          </form>
        )}
      </article>
    </div>
  );
}

export function RepairSlip({ id }: { id: number }) {
  const { data, error } = useLoad(async () => {
    const order = await api.get<WorkOrder>('/api/v1/work-orders/' + id);
    const device = await api.get<Device>('/api/v1/devices/' + order.device.id);
    return { order, device };
  }, [id]);
  const svg = useRef<SVGSVGElement>(null);
  useEffect(() => {
    if (!data || !svg.current) return;
    // The barcode library is loaded only here, so the desk's first load does not carry it.
    import('./barcode').then((b) => b.drawBarcode(svg.current!, 'WO-' + id));
  }, [data]);
  if (error) return <Problem text={error.general} />;
  if (!data) return <Loading what="the repair slip" />;
  const { order, device } = data;
  return (
    <div class="slip">
      <div class="no-print actions">
        <a href={'#/repairs/' + id} class="button">
          Back to the work order
        </a>
        <button type="button" class="primary" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <h1>Repair slip · work order #{order.id}</h1>
      <svg ref={svg} class="barcode" role="img" aria-label={`Barcode WO-${order.id}`} />
      <dl class="facts slip-facts">
        <dt>Asset tag</dt>
        <dd>{device.asset_tag ?? '—'}</dd>
        <dt>Serial</dt>
        <dd>{device.serial ?? '—'}</dd>
        <dt>Model</dt>
        <dd>{device.model ?? '—'}</dd>
        <dt>Holder</dt>
        <dd>{order.holder ? (order.holder.type === 'person' ? `${order.holder.name} (${order.holder.external_id})` : order.holder.location) : '—'}</dd>
        <dt>Problem</dt>
        <dd>
          {label(order.category)}: {order.description}
        </dd>
        <dt>Opened</dt>
        <dd>
          <Time at={order.opened_at} /> by {order.opened_by}
        </dd>
        <dt>Loaner</dt>
        <dd>{order.loaner ? order.loaner.device.asset_tag : 'None'}</dd>
      </dl>
      <p class="slip-foot">Keep this slip with the device until the repair is resolved.</p>
    </div>
  );
}

