// The desk: one scan box; a code opens a device card or a person card. While a person card is open,
// scanned devices go into the cart that lends them to that person in one go.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, qs, seg } from './api';
import { canWrite, type Me, type Route } from './logic';
import type { Device, Page, Person } from './types';
import { DeviceCard, RegisterDevice } from './device';
import { PersonCard, type PersonCart } from './person';
import { focusScan, Notice, Problem, registerScanBox } from './ui';
import { ScanBox } from './form';

export type Found = { kind: 'device'; device: Device } | { kind: 'person'; person: Person };

// Devices and people the last lookups returned, so the card shows at once without asking again.
export const seenDevices = new Map<string, Device>();
export const seenPeople = new Map<string, Person>();

export async function lookup(code: string): Promise<Found[]> {
  const [devices, person] = await Promise.all([
    api.get<Page<Device>>('/api/v1/devices' + qs({ code, limit: 5 })),
    api.get<Person>('/api/v1/people/' + seg(code)).catch((e) => {
      // An ID with characters a person's id cannot have (a "/") is simply no person.
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return null;
      throw e;
    }),
  ]);
  const out: Found[] = devices.items.map((d) => ({ kind: 'device', device: d }));
  if (person) out.push({ kind: 'person', person });
  return out;
}

export function Desk({ route, user }: { route: Route; user: Me }) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [choices, setChoices] = useState<Found[] | null>(null);
  const [notFound, setNotFound] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [cart, setCart] = useState<PersonCart | null>(null);
  // Scanning the card already open shows it afresh (a new key remounts it).
  const [opened, setOpened] = useState(0);
  const box = useRef<HTMLInputElement>(null);

  useEffect(() => {
    registerScanBox(box.current);
    box.current?.focus();
    return () => registerScanBox(null);
  }, []);
  // A new card (or the empty desk) clears what the last scan left on screen.
  useEffect(() => {
    setChoices(null);
    setNotFound(null);
    setProblem(null);
  }, [route.screen === 'device' ? route.ref : route.screen === 'person' ? route.id : '']);

  const open = (f: Found) => {
    setChoices(null);
    setNotFound(null);
    setOpened((n) => n + 1);
    if (f.kind === 'device') {
      seenDevices.set(String(f.device.id), f.device);
      location.hash = '#/device/' + f.device.id;
    } else {
      seenPeople.set(f.person.external_id, f.person);
      location.hash = '#/person/' + seg(f.person.external_id);
    }
    focusScan();
  };

  const scan = async (e: Event) => {
    e.preventDefault();
    const text = code.trim();
    if (!text) return;
    // Emptied now, not when the lookup answers: a scanner's next code can arrive while this one is
    // still being looked up, and clearing the box then would wipe it.
    setCode('');
    performance.clearMarks('fk-scan');
    performance.mark('fk-scan');
    setBusy(true);
    setProblem(null);
    setNotFound(null);
    setMessage(null);
    try {
      const found = await lookup(text);
      // With a person's card open, a scanned device goes into that person's cart.
      const device = found.find((f) => f.kind === 'device');
      if (cart && route.screen === 'person' && found.length && found.every((f) => f.kind === 'device') && found.length === 1 && device) {
        cart.add(text, (device as { device: Device }).device);
      } else if (cart && route.screen === 'person' && !found.length && canWrite(user)) {
        cart.add(text, null);
      } else if (found.length === 1) {
        open(found[0]);
      } else if (found.length > 1) {
        setChoices(found);
      } else {
        setNotFound(text);
      }
    } catch (err) {
      setProblem(err instanceof ApiError ? err.body.message : String(err));
      // Nothing was done with the code: back in the box to try again, unless the next one is there.
      setCode((c) => c || text);
    } finally {
      setBusy(false);
      focusScan();
    }
  };

  return (
    <div class="desk">
      <ScanBox
        id="scan"
        label="Scan a tag, serial or student ID"
        button="Look up"
        inputRef={box}
        code={code}
        setCode={setCode}
        onSubmit={scan}
        role="search"
        busy={busy}
        hint={
          route.screen === 'person' && cart
            ? 'Scanning devices now adds them to this person’s checkout. Press / to come back here.'
            : 'A scanner types the code and Enter. Press / anywhere to come back here.'
        }
      />
      <Problem text={problem} />
      <Notice text={message} />
      {choices && (
        <section class="panel" aria-labelledby="pick-h">
          <h2 id="pick-h">Several matches: pick one</h2>
          <ul class="picklist">
            {choices.map((f) => (
              <li key={f.kind === 'device' ? 'd' + f.device.id : 'p' + f.person.id}>
                <button type="button" onClick={() => open(f)}>
                  {f.kind === 'device'
                    ? `Device ${f.device.asset_tag ?? ''} · serial ${f.device.serial ?? '—'} · ${f.device.model ?? ''}`
                    : `Person ${f.person.name} (${f.person.external_id}) · ${f.person.role}`}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {notFound && (
        <NotFound
          code={notFound}
          user={user}
          onRegistered={(d) => {
            setNotFound(null);
            setMessage(`Registered ${d.asset_tag ?? d.serial}.`);
            open({ kind: 'device', device: d });
          }}
        />
      )}
      {!choices && !notFound && route.screen === 'device' && <DeviceCard key={route.ref + '/' + opened} refId={route.ref} user={user} />}
      {!choices && !notFound && route.screen === 'person' && (
        <PersonCard key={route.id + '/' + opened} id={route.id} user={user} onCart={setCart} />
      )}
      {route.screen === 'desk' && !choices && !notFound && <Welcome />}
    </div>
  );
}

function NotFound({ code, user, onRegistered }: { code: string; user: Me; onRegistered: (d: Device) => void }) {
  const [registering, setRegistering] = useState(false);
  return (
    <section class="panel notfound" aria-labelledby="nf-h">
      <h2 id="nf-h">Not found: “{code}”</h2>
      <p>No device has this asset tag or serial, and no person has this ID{user.scopes?.length ? ' in your schools' : ''}.</p>
      {canWrite(user) && !registering && (
        <button type="button" class="primary" onClick={() => setRegistering(true)}>
          Register this device
        </button>
      )}
      {registering && <RegisterDevice code={code} onDone={onRegistered} onCancel={() => setRegistering(false)} />}
    </section>
  );
}

function Welcome() {
  const [summary, setSummary] = useState<{
    total: number;
    by_status: Record<string, number>;
    open_work_orders: number;
    overdue_checkouts: number;
    aue: Record<string, number>;
  } | null>(null);
  useEffect(() => {
    api.get<typeof summary>('/api/v1/reports/fleet-summary').then(setSummary, () => setSummary(null));
  }, []);
  if (!summary) return null;
  const tiles: Array<[string, number, string]> = [
    ['Devices', summary.total, '#/desk'],
    ['Lent out', summary.by_status.deployed ?? 0, '#/loans'],
    ['Overdue', summary.overdue_checkouts, '#/loans/overdue'],
    ['In repair', summary.open_work_orders, '#/repairs'],
    ['In stock', summary.by_status.in_stock ?? 0, '#/desk'],
    ['Past AUE', summary.aue.past ?? 0, '#/planning'],
  ];
  return (
    <section class="panel" aria-labelledby="today-h">
      <h2 id="today-h">Today</h2>
      <ul class="tiles">
        {tiles.map(([t, n, href]) => (
          <li key={t}>
            <a href={href} class={'tile' + (t === 'Overdue' && n > 0 ? ' tile-warn' : '')}>
              <span class="tile-n">{n.toLocaleString()}</span>
              <span class="tile-t">{t}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
