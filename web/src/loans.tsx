// Loans: what is out, what is overdue, what comes back this week; returns from the list, and the
// printable receipt a family signs at checkout.
import { useState } from 'preact/hooks';
import { api, qs } from './api';
import { addDays, canWrite, dueState, type Me } from './logic';
import type { Checkout, Device, Page } from './types';
import { DateText, districtToday, errorsOf, Loading, Notice, Problem, Slip, SlipFacts, Time, useLoad } from './ui';

async function openLoans(overdue: boolean): Promise<Checkout[]> {
  const out: Checkout[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Checkout> = await api.get<Page<Checkout>>('/api/v1/checkouts' + qs({ open: true, overdue: overdue || undefined, limit: 1000, cursor }));
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && out.length < 5000);
  return out;
}

const TABS: Array<['open' | 'overdue' | 'week', string]> = [
  ['open', 'Open'],
  ['overdue', 'Overdue'],
  ['week', 'Due this week'],
];

export function Loans({ tab, user }: { tab: 'open' | 'overdue' | 'week'; user: Me }) {
  const { data, error, reload } = useLoad(() => openLoans(tab === 'overdue'), [tab]);
  const [conditions, setConditions] = useState<Record<number, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const [rowError, setRowError] = useState<Record<number, string>>({});
  const today = districtToday();
  const weekEnd = addDays(today, 7);
  const rows = (data ?? []).filter((c) => tab !== 'week' || (c.due >= today && c.due <= weekEnd));

  const giveBack = async (c: Checkout) => {
    const condition = conditions[c.id] ?? 'good';
    try {
      const r = await api.post<Checkout>(`/api/v1/checkouts/${c.id}/return`, {
        condition,
        ...(condition === 'damaged' ? { open_work_order: { category: 'other', description: 'damaged at return' } } : {}),
      });
      setDone(`${c.device.asset_tag ?? c.device.serial} returned${r.opened_work_order_id ? `; work order #${r.opened_work_order_id} opened` : ''}.`);
      reload();
    } catch (e) {
      setRowError({ ...rowError, [c.id]: errorsOf(e).general ?? 'refused' });
    }
  };

  return (
    <div class="page">
      <div class="page-head">
        <h1>Loans</h1>
        <nav aria-label="Which loans" class="tabs">
          {TABS.map(([k, t]) => (
            <a key={k} href={'#/loans/' + k} aria-current={k === tab ? 'page' : undefined}>
              {t}
            </a>
          ))}
        </nav>
      </div>
      <Notice text={done} />
      {error && <Problem text={error.general} />}
      {!data && !error && <Loading what="loans" />}
      {data && (
        <table class="table">
          <caption class="sr-only">{TABS.find((t) => t[0] === tab)![1]} loans</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Lent to</th>
              <th scope="col">Since</th>
              <th scope="col">Due</th>
              <th scope="col">Receipt</th>
              {canWrite(user) && <th scope="col">Return</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} class={dueState(c.due, today) === 'overdue' ? 'row-bad' : ''}>
                <td>
                  <a href={'#/device/' + c.device.id}>{c.device.asset_tag ?? c.device.serial}</a>
                </td>
                <td>{c.person ? <a href={'#/person/' + encodeURIComponent(c.person.external_id)}>{c.person.name}</a> : c.location}</td>
                <td>
                  <Time at={c.checked_out_at} />
                </td>
                <td>
                  <DateText date={c.due} /> {dueState(c.due, today) === 'overdue' && <span class="flag flag-bad">overdue</span>}
                </td>
                <td>
                  <a href={`#/loans/${c.id}/receipt`} aria-label={`Receipt for ${c.device.asset_tag ?? c.device.serial}`}>
                    Receipt
                  </a>
                </td>
                {canWrite(user) && (
                  <td class="row-actions">
                    <label class="sr-only" for={'cond-' + c.id}>
                      Condition of {c.device.asset_tag ?? c.device.serial}
                    </label>
                    <select id={'cond-' + c.id} value={conditions[c.id] ?? 'good'} onChange={(e) => setConditions({ ...conditions, [c.id]: (e.target as HTMLSelectElement).value })}>
                      <option value="good">Good</option>
                      <option value="damaged">Damaged</option>
                      <option value="missing_parts">Missing parts</option>
                    </select>
                    <button type="button" class="small" aria-label={`Return ${c.device.asset_tag ?? c.device.serial}`} onClick={() => giveBack(c)}>
                      Return
                    </button>
                    {rowError[c.id] && <span class="field-error">{rowError[c.id]}</span>}
                  </td>
                )}
              </tr>
            ))}
            {!rows.length && (
              <tr>
                <td colSpan={6} class="muted">
                  No loans here.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function Receipt({ id }: { id: number }) {
  const { data, error } = useLoad(async () => {
    const c = await api.get<Checkout>('/api/v1/checkouts/' + id);
    const d = await api.get<Device>('/api/v1/devices/' + c.device.id);
    return { c, d };
  }, [id]);
  if (error) return <Problem text={error.general} />;
  if (!data) return <Loading what="the receipt" />;
  const { c, d } = data;
  return (
    <Slip back="#/loans" backText="Back to the list" title="Checkout receipt">
      <SlipFacts who="Lent to" c={c} d={d}>
        <dt>Lent on</dt>
        <dd>
          <Time at={c.checked_out_at} /> by {c.checked_out_by}
        </dd>
        <dt>Condition</dt>
        <dd>{c.condition_out ?? 'good'}</dd>
        <dt>Due back</dt>
        <dd>
          <DateText date={c.due} />
        </dd>
      </SlipFacts>
      <p class="slip-foot">I received this device in the condition above and will return it by the due date.</p>
      <p class="signature">Signature: ______________________________ Date: ______________</p>
    </Slip>
  );
}
