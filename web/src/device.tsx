// The device card: what a technician needs at a glance, and the actions its state allows.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, qs, seg } from './api';
import {
  ago, aueState, changedFields, deviceActions, dueState, isAdmin, label, manualTransitions, money, repairAdvice,
  type Me,
} from './logic';
import type { CatalogModel, Checkout, Device, DeviceEvent, Page, WorkOrder } from './types';
import { seenDevices } from './desk';
import { Badge, DateText, districtToday, errorsOf, Field, focusScan, Loading, noErrors, Notice, Panel, Problem, Select, Time, type FormErrors } from './ui';
import { FormDialog, useSubmit } from './form';

const CATEGORIES = ['screen', 'keyboard', 'battery', 'charging', 'liquid', 'hinge', 'software', 'other'];
const EDITABLE = ['asset_tag', 'serial', 'model', 'location', 'org_unit', 'aue_date', 'warranty_end', 'notes'] as const;

interface CardData {
  device: Device;
  events: DeviceEvent[];
  order: WorkOrder | null;
  catalog: CatalogModel | null;
}

async function loadCard(ref: string): Promise<CardData> {
  const r = seg(ref);
  const [device, events, orders] = await Promise.all([
    api.get<Device>('/api/v1/devices/' + r),
    api.get<{ items: DeviceEvent[] }>(`/api/v1/devices/${r}/events`),
    api.get<Page<WorkOrder>>('/api/v1/work-orders' + qs({ device: ref, open: true, limit: 5 })),
  ]);
  const catalog = device.model
    ? await api.get<CatalogModel>('/api/v1/models/' + seg(device.model)).catch(() => null)
    : null;
  return { device, events: events.items, order: orders.items[0] ?? null, catalog };
}

type Mode = null | 'checkout' | 'return' | 'repair' | 'loaner' | 'transition' | 'edit';

export function DeviceCard({ refId, user }: { refId: string; user: Me }) {
  const cached = seenDevices.get(refId) ?? null;
  const [data, setData] = useState<CardData | null>(cached ? { device: cached, events: [], order: null, catalog: null } : null);
  const [full, setFull] = useState(false);
  const [error, setError] = useState<FormErrors | null>(null);
  const [mode, setMode] = useState<Mode>(null);
  const [done, setDone] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const measured = useRef(false);

  useEffect(() => {
    let live = true;
    loadCard(refId).then(
      (d) => {
        if (!live) return;
        setData(d);
        setFull(true);
        seenDevices.set(String(d.device.id), d.device);
      },
      (e) => live && (setError(errorsOf(e)), setData(null)),
    );
    return () => {
      live = false;
    };
  }, [refId, tick]);

  // The scan-to-card figure of bench/desk_bench: from Enter in the scan box to this card on screen.
  // and to the card complete with its history, sightings and open repair.
  useEffect(() => {
    if (!data || !performance.getEntriesByName('fk-scan', 'mark').length) return;
    if (!measured.current) {
      performance.measure('fk-scan-to-card', 'fk-scan');
      measured.current = true;
    }
    if (full) {
      performance.measure('fk-scan-to-full-card', 'fk-scan');
      performance.clearMarks('fk-scan');
    }
  }, [!!data, full]);

  if (error)
    return (
      <Panel title="Device not available">
        <Problem text={error.general ?? 'This device cannot be shown.'} />
      </Panel>
    );
  if (!data) return <Loading what="the device" />;

  const { device: d, events, order, catalog } = data;
  const today = districtToday();
  const aue = aueState(d.aue_date ?? catalog?.aue_date, today);
  const advice = repairAdvice({ repairCost: d.repair_cost, replacementCost: catalog?.unit_cost ?? d.purchase_price, aue });
  const actions = deviceActions(d, user.role, full ? order : { loaner: true });
  const after = (text: string) => {
    setMode(null);
    setDone(text);
    setTick((t) => t + 1);
    focusScan();
  };
  const name = d.asset_tag ?? d.serial ?? `#${d.id}`;

  return (
    <article class="card device-card" aria-labelledby="dev-h">
      <header class="card-head">
        <div>
          <p class="eyebrow">{label(d.kind)}{d.loaner ? ' · loaner pool' : ''}</p>
          <h2 id="dev-h">{name}</h2>
          <p class="muted">
            {d.model ?? 'Unknown model'} · serial <span class="mono">{d.serial ?? '—'}</span>
          </p>
        </div>
        <Badge status={d.status} />
      </header>
      <Notice text={done} />
      {aue.level === 'past' || aue.level === 'near' ? (
        <p class={`notice notice-${aue.level === 'past' ? 'error' : 'warn'}`} role="note">
          {aue.text}
        </p>
      ) : null}

      <div class="card-grid">
        <dl class="facts">
          <dt>Holder</dt>
          <dd>
            {d.holder ? (
              <>
                {d.holder.type === 'person' ? (
                  <a href={'#/person/' + seg(d.holder.external_id!)}>
                    {d.holder.name} ({d.holder.external_id})
                  </a>
                ) : (
                  d.holder.location
                )}
                {' · due '}
                <DateText date={d.holder.due} />
                {dueState(d.holder.due, today) === 'overdue' && <span class="flag flag-bad"> overdue</span>}
              </>
            ) : (
              'Not lent'
            )}
          </dd>
          <dt>Location</dt>
          <dd>{d.location ?? '—'}</dd>
          <dt>AUE</dt>
          <dd>{aue.level === 'none' ? '—' : <DateText date={d.aue_date ?? catalog?.aue_date} />}</dd>
          <dt>Warranty</dt>
          <dd>
            <DateText date={d.warranty_end} />
          </dd>
          <dt>Repairs so far</dt>
          <dd>{money(d.repair_cost)}</dd>
          <dt>Open repair</dt>
          <dd>
            {order ? (
              <a href={'#/repairs/' + order.id}>
                #{order.id} {label(order.category)} · {label(order.status)}
              </a>
            ) : (
              'None'
            )}
          </dd>
        </dl>
        <div>
          <p class={`advice advice-${advice.verdict}`}>{advice.text}</p>
          <h3 class="small-h">Seen by</h3>
          {d.seen && Object.keys(d.seen).length ? (
            <ul class="seen">
              {Object.entries(d.seen).map(([src, s]) => (
                <li key={src}>
                  last seen by <strong>{src}</strong> {ago(s.last_seen, new Date())}
                  {s.fields?.ip ? ` at ${String(s.fields.ip)}` : ''}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{full ? 'No source has seen it.' : '…'}</p>
          )}
        </div>
      </div>

      {actions.length > 0 && (
        <div class="actions" role="group" aria-label="Device actions">
          {actions.includes('checkout') && (
            <button type="button" class="primary" onClick={() => setMode('checkout')}>
              Check out
            </button>
          )}
          {actions.includes('return') && (
            <button type="button" class="primary" onClick={() => setMode('return')}>
              Return
            </button>
          )}
          {actions.includes('repair') && (
            <button type="button" onClick={() => setMode('repair')}>
              Open repair
            </button>
          )}
          {actions.includes('loaner') && (
            <button type="button" onClick={() => setMode('loaner')}>
              Give loaner
            </button>
          )}
          {actions.includes('transition') && (
            <button type="button" onClick={() => setMode('transition')}>
              Transition
            </button>
          )}
          {actions.includes('edit') && (
            <button type="button" class="ghost" onClick={() => setMode('edit')}>
              Edit fields
            </button>
          )}
        </div>
      )}

      {mode === 'checkout' && <CheckoutForm device={d} user={user} onDone={after} onCancel={() => setMode(null)} />}
      {mode === 'return' && <ReturnForm device={d} onDone={after} onCancel={() => setMode(null)} />}
      {mode === 'repair' && <RepairForm device={d} onDone={after} onCancel={() => setMode(null)} />}
      {mode === 'loaner' && order && <LoanerForm order={order} onDone={after} onCancel={() => setMode(null)} />}
      {mode === 'transition' && <TransitionForm device={d} onDone={after} onCancel={() => setMode(null)} />}
      {mode === 'edit' && <EditForm device={d} onDone={after} onCancel={() => setMode(null)} />}

      <h3 class="small-h">History</h3>
      {full ? <Timeline events={events} /> : <Loading what="history" />}
    </article>
  );
}

function Timeline({ events }: { events: DeviceEvent[] }) {
  if (!events.length) return <p class="muted">No history yet.</p>;
  const recent = [...events].reverse().slice(0, 25);
  return (
    <ol class="timeline">
      {recent.map((e) => (
        <li key={e.id}>
          <Time at={e.at} /> <strong>{label(e.action)}</strong> <span class="muted">by {e.actor}</span>
          {e.changes.length > 0 && (
            <span class="changes">
              {' — '}
              {e.changes.map((c) => `${label(c.field)}: ${c.old ?? '∅'} → ${c.new ?? '∅'}`).join('; ')}
            </span>
          )}
          {e.reason && <span class="muted"> ({e.reason})</span>}
        </li>
      ))}
    </ol>
  );
}

type FormProps = { onDone: (t: string) => void; onCancel: () => void };

function CheckoutForm({ device, user, onDone, onCancel }: FormProps & { device: Device; user: Me }) {
  const [person, setPerson] = useState('');
  const [place, setPlace] = useState('');
  const [due, setDue] = useState('');
  // A 409 `hold`: the person owes at least the district's hold amount.
  const [hold, setHold] = useState<{ balance: string; hold_at: string } | null>(null);
  const [overrideReason, setOverrideReason] = useState('');
  const { errors, busy, submit } = useSubmit(
    async (override = false) => {
      const body: Record<string, unknown> = { device: String(device.id) };
      if (person.trim()) body.person = person.trim();
      if (place.trim()) body.location = place.trim();
      if (due) body.due = due;
      if (override) Object.assign(body, { override_hold: true, reason: overrideReason.trim() });
      const c = await api.post<Checkout>('/api/v1/checkouts', body);
      onDone(`Checked out to ${c.person ? c.person.name : c.location}, due ${c.due}.`);
    },
    (err, override = false) => {
      const held = err instanceof ApiError && err.status === 409 && err.body.code === 'hold';
      setHold(held ? { balance: String(err.body.details.balance ?? ''), hold_at: String(err.body.details.hold_at ?? '') } : null);
      return held && !override ? noErrors : errorsOf(err);
    },
  );
  return (
    <FormDialog title="Check out" onClose={onCancel} onSubmit={submit} submitText="Check out" busy={busy}>
      <Field label="Student or staff ID" name="person" value={person} onInput={setPerson} error={errors.fields.person} hint="Scan their card, or type the ID" />
      <Field label="Or a place (cart, room)" name="location" value={place} onInput={setPlace} error={errors.fields.location} />
      <Field label="Due" name="due" type="date" value={due} onInput={setDue} error={errors.fields.due} hint="Empty: the district's usual loan length" />
      {hold ? (
        <div class="notice notice-error wide" role="alert">
          <p>
            On hold: {person.trim()} owes {money(hold.balance)} (holds start at {money(hold.hold_at)}). <a href={'#/person/' + encodeURIComponent(person.trim())}>See their fees</a>
          </p>
          {isAdmin(user) && (
            <>
              <Field label="Reason to lend anyway" name="override_reason" value={overrideReason} onInput={setOverrideReason} error={errors.fields.reason} />
              <button type="button" disabled={busy || !overrideReason.trim()} onClick={(e) => submit(e, true)}>
                Lend anyway
              </button>
            </>
          )}
        </div>
      ) : (
        <Problem text={errors.general ?? errors.fields.device} />
      )}
    </FormDialog>
  );
}

function ReturnForm({ device, onDone, onCancel }: FormProps & { device: Device }) {
  const [condition, setCondition] = useState('good');
  const [notes, setNotes] = useState('');
  const [category, setCategory] = useState('screen');
  const [description, setDescription] = useState('');
  const damaged = condition === 'damaged';
  const { errors, busy, submit } = useSubmit(async () => {
    const body: Record<string, unknown> = { condition };
    if (notes.trim()) body.notes = notes.trim();
    if (damaged) body.open_work_order = { category, description: description.trim() || notes.trim() || 'damaged at return' };
    const c = await api.post<Checkout>(`/api/v1/devices/${device.id}/return`, body);
    onDone(c.opened_work_order_id ? `Returned damaged; work order #${c.opened_work_order_id} opened.` : 'Returned.');
  });
  return (
    <FormDialog title="Return" onClose={onCancel} onSubmit={submit} problem={errors.general ?? errors.fields.device} submitText="Return" busy={busy}>
      <Select
        label="Condition"
        name="condition"
        value={condition}
        onChange={setCondition}
        options={[['good', 'Good'], ['damaged', 'Damaged (opens a repair)'], ['missing_parts', 'Missing parts']]}
        error={errors.fields.condition}
      />
      <Field label="Notes" name="notes" value={notes} onInput={setNotes} error={errors.fields.notes} />
      {damaged && (
        <>
          <Select label="Repair category" name="category" value={category} onChange={setCategory} options={CATEGORIES.map((c) => [c, label(c)])} error={errors.fields['open_work_order.category']} />
          <Field label="What is wrong" name="description" value={description} onInput={setDescription} error={errors.fields['open_work_order.description']} />
        </>
      )}
    </FormDialog>
  );
}

function RepairForm({ device, onDone, onCancel }: FormProps & { device: Device }) {
  const [category, setCategory] = useState('screen');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState('normal');
  const { errors, busy, submit } = useSubmit(async () => {
    const o = await api.post<WorkOrder>('/api/v1/work-orders', { device: String(device.id), category, description: description.trim(), priority });
    onDone(`Work order #${o.id} opened.`);
  });
  return (
    <FormDialog title="Open repair" onClose={onCancel} onSubmit={submit} problem={errors.general ?? errors.fields.device} submitText="Open repair" busy={busy}>
      <Select label="Category" name="category" value={category} onChange={setCategory} options={CATEGORIES.map((c) => [c, label(c)])} error={errors.fields.category} />
      <Field label="What is wrong" name="description" value={description} onInput={setDescription} error={errors.fields.description} required />
      <Select label="Priority" name="priority" value={priority} onChange={setPriority} options={[['low', 'Low'], ['normal', 'Normal'], ['high', 'High'], ['urgent', 'Urgent']]} error={errors.fields.priority} />
    </FormDialog>
  );
}

export function LoanerForm({ order, onDone, onCancel }: FormProps & { order: WorkOrder }) {
  const [loaner, setLoaner] = useState('');
  const [free, setFree] = useState<Device[]>([]);
  useEffect(() => {
    api.get<Page<Device>>('/api/v1/devices' + qs({ loaner: true, status: 'in_stock', limit: 5 })).then((p) => setFree(p.items), () => setFree([]));
  }, []);
  const { errors, busy, submit } = useSubmit(async () => {
    const code = loaner.trim();
    const ref = /^(tag|serial):|^\d+$/.test(code) ? code : 'tag:' + code;
    await api.post<WorkOrder>(`/api/v1/work-orders/${order.id}/loaner`, { device: ref });
    onDone(`Loaner ${code} lent.`);
  });
  return (
    <FormDialog title="Give loaner" onClose={onCancel} onSubmit={submit} problem={errors.general} submitText="Give loaner" busy={busy}>
      <Field label="Loaner tag" name="loaner" value={loaner} onInput={setLoaner} error={errors.fields.device} hint={free.length ? 'Free now: ' + free.map((f) => f.asset_tag).join(', ') : 'Scan the loaner'} />
    </FormDialog>
  );
}

function TransitionForm({ device, onDone, onCancel }: FormProps & { device: Device }) {
  const moves = manualTransitions(device.status);
  const [to, setTo] = useState(moves[0] ?? '');
  const [reason, setReason] = useState('');
  const { errors, busy, submit } = useSubmit(async () => {
    await api.post<Device>(`/api/v1/devices/${device.id}/transitions`, { to, reason: reason.trim() || undefined });
    onDone(`Now ${label(to)}.`);
  });
  const names: Record<string, string> = { in_stock: device.status === 'lost' || device.status === 'stolen' ? 'Found (in stock)' : 'In stock', lost: 'Lost', stolen: 'Stolen', retired: 'Retired', disposed: 'Disposed' };
  return (
    <FormDialog title="Transition" onClose={onCancel} onSubmit={submit} problem={errors.general} submitText="Move" busy={busy}>
      <Select label="Move to" name="to" value={to} onChange={setTo} options={moves.map((m) => [m, names[m] ?? label(m)])} error={errors.fields.to ?? errors.fields.status} />
      <Field label="Reason" name="reason" value={reason} onInput={setReason} error={errors.fields.reason} />
    </FormDialog>
  );
}

// Edits carry the version they started from; a 409 shows what someone else changed meanwhile and lets
// the person send theirs again on top of it.
function EditForm({ device, onDone, onCancel }: FormProps & { device: Device }) {
  const initial = Object.fromEntries(EDITABLE.map((k) => [k, (device[k] as string | null) ?? ''])) as Record<string, string>;
  const [values, setValues] = useState(initial);
  const [base, setBase] = useState<Device>(device);
  const [stale, setStale] = useState<Array<{ field: string; was: unknown; now: unknown }> | null>(null);
  const { errors, setErrors, busy, submit } = useSubmit(
    async () => {
      setErrors(noErrors);
      const body: Record<string, unknown> = { version: base.version };
      for (const k of EDITABLE) if (values[k] !== ((device[k] as string | null) ?? '')) body[k] = values[k] === '' ? null : values[k];
      await api.patch<Device>(`/api/v1/devices/${device.id}`, body);
      onDone('Saved.');
    },
    async (err) => {
      const er = errorsOf(err);
      if (!('version' in er.fields || (err as { status?: number }).status === 409 && (err as { body?: { details?: Record<string, unknown> } }).body?.details?.current_version)) return er;
      const now = await api.get<Device>(`/api/v1/devices/${device.id}`);
      setStale(changedFields(base as unknown as Record<string, unknown>, now as unknown as Record<string, unknown>, [...EDITABLE, 'status']));
      setBase(now);
      return noErrors;
    },
  );
  const staleNote = stale && (
    <div class="notice notice-warn" role="alert">
      <p>
        Someone changed this device while you were editing (now version {base.version}). Their changes:
      </p>
      <ul>
        {stale.map((c) => (
          <li key={c.field}>
            {label(c.field)}: {String(c.was ?? '∅')} → {String(c.now ?? '∅')}
          </li>
        ))}
      </ul>
      <p>Save again to apply yours on top of them.</p>
    </div>
  );
  return (
    <FormDialog title="Edit fields" onClose={onCancel} onSubmit={submit} problem={errors.general} submitText={stale ? 'Save again' : 'Save'} busy={busy} before={staleNote}>
      {EDITABLE.map((k) => (
        <Field
          key={k}
          label={label(k).replace(/^./, (c) => c.toUpperCase())}
          name={k}
          type={k.endsWith('_date') || k === 'warranty_end' ? 'date' : 'text'}
          value={values[k]}
          onInput={(v) => setValues({ ...values, [k]: v })}
          error={errors.fields[k]}
        />
      ))}
    </FormDialog>
  );
}

export function RegisterDevice({ code, onDone, onCancel }: { code: string; onDone: (d: Device) => void; onCancel: () => void }) {
  const [tag, setTag] = useState(code);
  const [serial, setSerial] = useState('');
  const [model, setModel] = useState('');
  const [kind, setKind] = useState('chromebook');
  const [location, setLocation] = useState('');
  const { errors, busy, submit } = useSubmit(async () => {
    const body: Record<string, unknown> = { kind, status: 'in_stock' };
    if (tag.trim()) body.asset_tag = tag.trim();
    if (serial.trim()) body.serial = serial.trim();
    if (model.trim()) body.model = model.trim();
    if (location.trim()) body.location = location.trim();
    onDone(await api.post<Device>('/api/v1/devices', body));
  });
  return (
    <FormDialog title="Register this device" onClose={onCancel} onSubmit={submit} problem={errors.general} submitText="Register" busy={busy}>
      <Field label="Asset tag" name="asset_tag" value={tag} onInput={setTag} error={errors.fields.asset_tag} />
      <Field label="Serial" name="serial" value={serial} onInput={setSerial} error={errors.fields.serial} />
      <Select label="Kind" name="kind" value={kind} onChange={setKind} options={['chromebook', 'laptop', 'tablet', 'desktop', 'other'].map((k) => [k, label(k)])} error={errors.fields.kind} />
      <Field label="Model" name="model" value={model} onInput={setModel} error={errors.fields.model} />
      <Field label="Location" name="location" value={location} onInput={setLocation} error={errors.fields.location} />
    </FormDialog>
  );
}
