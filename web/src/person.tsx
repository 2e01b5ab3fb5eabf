// The person card: what they hold and when it is due, their history, and the cart that lends them
// (or their class) many devices in one all-or-nothing batch.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, seg } from './api';
import { addToCart, applyBatchErrors, canWrite, dueState, isAdmin, type CartItem, type Me } from './logic';
import type { Checkout, Device, Page, Person } from './types';
import { seenPeople } from './desk';
import { PersonFees } from './fees';
import { Badge, DateText, districtToday, errorsOf, Field, focusScan, Loading, Notice, Panel, Problem, Time, type FormErrors } from './ui';

export interface PersonCart {
  add: (code: string, device: Device | null) => void;
}

export function PersonCard({ id, user, onCart }: { id: string; user: Me; onCart: (c: PersonCart | null) => void }) {
  const [person, setPerson] = useState<Person | null>(seenPeople.get(id) ?? null);
  const [loans, setLoans] = useState<Checkout[] | null>(null);
  const [error, setError] = useState<FormErrors | null>(null);
  const [cart, setCart] = useState<CartItem[]>([]);
  const [due, setDue] = useState('');
  const [cartError, setCartError] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  // Lending mode: scanned devices go into the cart instead of opening their cards.
  const [lending, setLending] = useState(false);
  // The batch was refused for a hold: an admin may lend anyway, with a reason.
  const [held, setHeld] = useState(false);
  const [overrideReason, setOverrideReason] = useState('');

  useEffect(() => {
    let live = true;
    Promise.all([
      api.get<Person>('/api/v1/people/' + seg(id)),
      api.get<Page<Checkout>>(`/api/v1/people/${seg(id)}/checkouts?limit=200`),
    ]).then(
      ([p, c]) => {
        if (!live) return;
        setPerson(p);
        setLoans(c.items);
      },
      (e) => live && setError(errorsOf(e)),
    );
    return () => {
      live = false;
    };
  }, [id, tick]);

  useEffect(() => {
    if (person && performance.getEntriesByName('fk-scan', 'mark').length) {
      performance.measure('fk-scan-to-card', 'fk-scan');
      performance.clearMarks('fk-scan');
    }
  }, [!!person]);

  // The desk's scan box feeds the cart while this card is open.
  useEffect(() => {
    if (!canWrite(user) || !person?.active || !lending) {
      onCart(null);
      return;
    }
    onCart({
      add: (code, device) => {
        setDone(null);
        setCart((c) => {
          const item: CartItem = device
            ? {
                code,
                ref: String(device.id),
                label: `${device.asset_tag ?? device.serial} · ${device.model ?? device.kind}`,
                problem: device.status === 'in_stock' ? null : `${device.status.replace('_', ' ')}: cannot be lent now`,
              }
            : { code, ref: 'tag:' + code, label: code, problem: 'no device has this tag or serial' };
          return addToCart(c, item).cart;
        });
      },
    });
    return () => onCart(null);
  }, [person?.external_id, person?.active, user.role, lending]);

  if (error) return <Panel title="Person not available"><Problem text={error.general ?? 'This person cannot be shown.'} /></Panel>;
  if (!person) return <Loading what="the person" />;

  const today = districtToday();
  const open = (loans ?? []).filter((l) => l.open);
  const past = (loans ?? []).filter((l) => !l.open).slice(-15).reverse();
  const overdue = open.filter((l) => l.overdue || dueState(l.due, today) === 'overdue');

  const lend = async (override = false) => {
    setBusy(true);
    setCartError(null);
    try {
      const items = cart.map((c) => ({
        device: c.ref,
        person: person.external_id,
        ...(due ? { due } : {}),
        ...(override ? { override_hold: true, reason: overrideReason.trim() } : {}),
      }));
      const r = await api.post<{ items: Checkout[] }>('/api/v1/checkouts:batch', { items });
      setDone(`${r.items.length} device${r.items.length === 1 ? '' : 's'} checked out to ${person.name}.`);
      setCart([]);
      setLending(false);
      setHeld(false);
      setOverrideReason('');
      setTick((t) => t + 1);
    } catch (err) {
      setHeld(err instanceof ApiError && err.body.code === 'hold');
      const er = errorsOf(err);
      setCart((c) => applyBatchErrors(c, er.items));
      setCartError(er);
    } finally {
      setBusy(false);
      focusScan();
    }
  };
  const remove = (i: number) => {
    setCart((c) => c.filter((_, j) => j !== i));
    focusScan();
  };
  const refused = cartError && Object.keys(cartError.items).length;

  return (
    <article class="card person-card" aria-labelledby="person-h">
      <header class="card-head">
        <div>
          <p class="eyebrow">
            {person.role}
            {person.grade ? ` · grade ${person.grade}` : ''}
            {person.homeroom ? ` · ${person.homeroom}` : ''}
          </p>
          <h2 id="person-h">{person.name}</h2>
          <p class="muted">
            <span class="mono">{person.external_id}</span> · {person.location ?? 'no school'} {person.email ? ` · ${person.email}` : ''}
          </p>
        </div>
        {!person.active ? <span class="badge badge-retired">inactive</span> : overdue.length ? <span class="badge badge-lost">{overdue.length} overdue</span> : null}
      </header>
      <Notice text={done} />

      <h3 class="small-h">Holds now</h3>
      {loans == null ? (
        <Loading what="loans" />
      ) : open.length ? (
        <table class="table">
          <caption class="sr-only">Devices {person.name} holds</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Since</th>
              <th scope="col">Due</th>
              <th scope="col">Kind</th>
            </tr>
          </thead>
          <tbody>
            {open.map((l) => (
              <tr key={l.id} class={dueState(l.due, today) === 'overdue' ? 'row-bad' : ''}>
                <td>
                  <a href={'#/device/' + l.device.id}>{l.device.asset_tag ?? l.device.serial}</a>
                </td>
                <td>
                  <Time at={l.checked_out_at} />
                </td>
                <td>
                  <DateText date={l.due} /> {dueState(l.due, today) === 'overdue' && <span class="flag flag-bad">overdue</span>}
                </td>
                <td>{l.work_order_id ? <a href={'#/repairs/' + l.work_order_id}>loaner for #{l.work_order_id}</a> : 'loan'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">Nothing lent.</p>
      )}

      {canWrite(user) && person.active && (
        <section class="cart" aria-labelledby="cart-h">
          <h3 id="cart-h" class="small-h">
            Check out to {person.name}
          </h3>
          {!lending ? (
            <button type="button" class="primary" onClick={() => { setLending(true); setDone(null); focusScan(); }}>
              Lend devices to {person.name}
            </button>
          ) : (
            <p class="hint">Scan devices one after another into the box above; they all go out together, or none does.</p>
          )}
          {cart.length > 0 && (
            <ol class="cart-list" aria-label="Devices to lend">
              {/* Refused items first, so they show without scrolling a class set; numbers stay as scanned. */}
              {cart
                .map((c, i) => [c, i] as const)
                .sort((a, b) => Number(!!b[0].problem) - Number(!!a[0].problem) || a[1] - b[1])
                .map(([c, i]) => (
                <li key={c.ref} class={c.problem ? 'cart-bad' : ''}>
                  <span class="cart-n">{i + 1}</span>
                  <span class="cart-label">{c.label}</span>
                  {c.problem && <span class="field-error">{c.problem}</span>}
                  <button type="button" class="ghost small" aria-label={`Remove ${c.code}`} onClick={() => remove(i)}>
                    Remove
                  </button>
                </li>
              ))}
            </ol>
          )}
          {lending && (
          <div class="cart-foot">
            <Field label="Due (all)" name="due" type="date" value={due} onInput={setDue} error={cartError?.fields.due} />
            <button type="button" class="primary" disabled={!cart.length || busy} onClick={() => lend()}>
              Check out {cart.length || ''} {cart.length === 1 ? 'device' : 'devices'}
            </button>
            {cart.length > 0 && (
              <button type="button" class="ghost" onClick={() => { setCart([]); setCartError(null); focusScan(); }}>
                Clear
              </button>
            )}
            <button type="button" class="ghost" onClick={() => { setLending(false); setCart([]); setCartError(null); focusScan(); }}>
              Done
            </button>
          </div>
          )}
          {held && isAdmin(user) && (
            <div class="inline-form">
              <Field label="Reason to lend anyway" name="override_reason" value={overrideReason} onInput={setOverrideReason} />
              <button type="button" disabled={busy || !overrideReason.trim()} onClick={() => lend(true)}>
                Lend anyway
              </button>
            </div>
          )}
          {refused ? (
            <p class="notice notice-error" role="alert">
              Nothing was lent: {refused} of {cart.length} devices {refused === 1 ? 'is' : 'are'} refused. Remove or fix {refused === 1 ? 'it' : 'them'} and check out again.
            </p>
          ) : (
            <Problem text={cartError?.general} />
          )}
        </section>
      )}

      <PersonFees id={person.external_id} name={person.name} user={user} />

      <h3 class="small-h">History</h3>
      {past.length ? (
        <ul class="timeline">
          {past.map((l) => (
            <li key={l.id}>
              <a href={'#/device/' + l.device.id}>{l.device.asset_tag ?? l.device.serial}</a> <Time at={l.checked_out_at} /> → <Time at={l.returned_at} />{' '}
              {l.condition_in && <Badge status={l.condition_in} />}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No returned loans.</p>
      )}
    </article>
  );
}
