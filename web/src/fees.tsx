// Fees: who owes what (by school), payments and waivers, family statements; and the person card's
// balance, hold and ledger.
import { useState } from 'preact/hooks';
import { api, ApiError, qs, seg } from './api';
import { canWrite, isAdmin, label, money, school, type Me } from './logic';
import type { BalanceRow, Ledger } from './types';
import { DateText, Dialog, errorsOf, Field, Loading, noErrors, Notice, Problem, Select, Time, useLoad, type FormErrors } from './ui';

export const statementUrl = (id: string) => `/api/v1/people/${seg(id)}/statement`;

export function Fees({ user }: { user: Me }) {
  const [where, setWhere] = useState('');
  const all = useLoad(() => api.get<{ items: BalanceRow[] }>('/api/v1/reports/balances'), []);
  const { data, error, reload } = useLoad(() => api.get<{ items: BalanceRow[]; total: string }>('/api/v1/reports/balances' + qs({ location: where })), [where]);
  const [acting, setActing] = useState<{ row: BalanceRow; kind: 'payment' | 'waiver' } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const schools = [...new Set((all.data?.items ?? []).filter((r) => r.location).map((r) => school(r.location)))].sort();
  return (
    <div class="page">
      <div class="page-head">
        <h1>Fees</h1>
        <a class="button" href={'/api/v1/reports/balances' + qs({ format: 'csv', location: where })} download="balances.csv">
          Download CSV
        </a>
      </div>
      <div class="filters">
        <Select label="School" name="school" value={where} onChange={setWhere} options={[['', 'All schools'], ...schools.map((s): [string, string] => [s, s])]} />
      </div>
      <Notice text={done} />
      <Problem text={error?.general} />
      {!data && !error && <Loading what="balances" />}
      {data && (
        <>
          <p>
            Owed in total: <strong data-testid="fees-total">{money(data.total)}</strong>
          </p>
          <table class="table">
            <caption class="sr-only">People who owe</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">School</th>
                <th scope="col">Household</th>
                <th scope="col">Balance</th>
                <th scope="col">Oldest charge</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((r) => (
                <tr key={r.external_id}>
                  <td>
                    <a href={'#/person/' + encodeURIComponent(r.external_id)}>{r.name}</a> <span class="mono muted">{r.external_id}</span>
                  </td>
                  <td>{school(r.location) || '—'}</td>
                  <td>{r.household ?? '—'}</td>
                  <td>
                    {money(r.balance)} {r.on_hold && <span class="flag flag-bad">hold</span>}
                  </td>
                  <td>
                    <DateText date={r.oldest_charge} />
                  </td>
                  <td class="row-actions">
                    {canWrite(user) && (
                      <button type="button" class="small" aria-label={`Take payment from ${r.name}`} onClick={() => setActing({ row: r, kind: 'payment' })}>
                        Take payment
                      </button>
                    )}
                    {isAdmin(user) && (
                      <button type="button" class="small ghost" aria-label={`Waive for ${r.name}`} onClick={() => setActing({ row: r, kind: 'waiver' })}>
                        Waive
                      </button>
                    )}
                    <a href={statementUrl(r.external_id)} target="_blank" rel="noopener" aria-label={`Statement for ${r.name}`}>
                      Statement
                    </a>
                  </td>
                </tr>
              ))}
              {!data.items.length && (
                <tr>
                  <td colSpan={6} class="muted">
                    Nobody owes anything.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </>
      )}
      {acting && (
        <MoneyForm
          kind={acting.kind}
          person={acting.row.external_id}
          name={acting.row.name}
          onCancel={() => setActing(null)}
          onDone={(l) => {
            setDone(`${acting.kind === 'payment' ? 'Payment taken' : 'Waived'}: ${acting.row.name} now owes ${money(l.balance)}.`);
            setActing(null);
            reload();
            all.reload();
          }}
        />
      )}
    </div>
  );
}

// A payment (technicians) or a waiver (admins, with the reason); the answer is the new ledger.
export function MoneyForm(props: { kind: 'payment' | 'waiver'; person: string; name: string; onCancel: () => void; onDone: (l: Ledger) => void }) {
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState('cash');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const waiver = props.kind === 'waiver';
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const body: Record<string, string> = { amount: amount.trim() };
      if (!waiver) body.method = method;
      if (reference.trim()) body.reference = reference.trim();
      if (note.trim()) body.note = note.trim();
      props.onDone(await api.post<Ledger>(`/api/v1/people/${seg(props.person)}/${waiver ? 'waivers' : 'payments'}`, body));
    } catch (err) {
      setErrors(errorsOf(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`${waiver ? 'Waive for' : 'Take payment from'} ${props.name}`} onClose={props.onCancel}>
      <form onSubmit={submit} class="form-grid">
        <Field label="Amount" name="amount" value={amount} onInput={setAmount} error={errors.fields.amount} inputMode="decimal" hint="As 25.00" />
        {!waiver && (
          <Select label="Method" name="method" value={method} onChange={setMethod} options={[['cash', 'Cash'], ['check', 'Check'], ['card', 'Card'], ['online', 'Online']]} error={errors.fields.method} />
        )}
        {!waiver && <Field label="Receipt or check number" name="reference" value={reference} onInput={setReference} error={errors.fields.reference} />}
        <Field label={waiver ? 'Reason' : 'Note'} name="note" value={note} onInput={setNote} error={errors.fields.note} hint={waiver ? 'Why it is waived: kept in the ledger' : undefined} wide />
        <Problem text={errors.general} />
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy}>
            {waiver ? 'Waive' : 'Take payment'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

// On the person card: balance, hold, the ledger, and the money actions.
export function PersonFees({ id, name, user }: { id: string; name: string; user: Me }) {
  // A user scoped to one building is refused fees (403): the card simply has no fees part for them.
  const { data: loaded, error, reload } = useLoad(
    () =>
      api.get<Ledger>(`/api/v1/people/${seg(id)}/ledger`).then(
        (ledger) => ({ ledger }),
        (e) => {
          if (e instanceof ApiError && e.status === 403) return { ledger: null };
          throw e;
        },
      ),
    [id],
  );
  const [acting, setActing] = useState<'payment' | 'waiver' | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (error) return <Problem text={error.general} />;
  if (!loaded) return <Loading what="fees" />;
  const data = loaded.ledger;
  if (!data) return null;
  return (
    <section aria-labelledby="fees-h">
      <h3 id="fees-h" class="small-h">
        Fees
      </h3>
      <p>
        Balance <strong data-testid="person-balance">{money(data.balance)}</strong>
        {data.on_hold && (
          <span class="flag flag-bad">
            on hold{data.hold_at ? ` (at ${money(data.hold_at)})` : ''}: no new checkouts
          </span>
        )}
      </p>
      <Notice text={done} />
      <div class="actions">
        {canWrite(user) && (
          <button type="button" onClick={() => setActing('payment')}>
            Take payment
          </button>
        )}
        {isAdmin(user) && (
          <button type="button" class="ghost" onClick={() => setActing('waiver')}>
            Waive
          </button>
        )}
        <a class="button ghost" href={statementUrl(id)} target="_blank" rel="noopener">
          Print statement
        </a>
      </div>
      {data.entries.length > 0 && (
        <table class="table">
          <caption class="sr-only">Ledger of {name}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Entry</th>
              <th scope="col">Amount</th>
              <th scope="col">Balance</th>
            </tr>
          </thead>
          <tbody>
            {data.entries
              .slice()
              .reverse()
              .map((e) => (
                <tr key={e.id}>
                  <td>
                    <Time at={e.at} />
                  </td>
                  <td>
                    {e.kind}
                    {e.reason && e.reason !== e.kind ? ` · ${label(e.reason)}` : ''}
                    {e.method ? ` · ${e.method}${e.reference ? ' ' + e.reference : ''}` : ''}
                    {e.device ? ` · ${e.device}` : ''}
                    {e.basis || e.note ? <span class="muted"> ({e.basis ?? e.note})</span> : null}
                  </td>
                  <td>{(e.kind === 'charge' ? '' : '−') + money(e.amount)}</td>
                  <td>{money(e.balance_after)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      {acting && (
        <MoneyForm
          kind={acting}
          person={id}
          name={name}
          onCancel={() => setActing(null)}
          onDone={(l) => {
            setDone(`${acting === 'payment' ? 'Payment taken' : 'Waived'}; balance now ${money(l.balance)}.`);
            setActing(null);
            reload();
          }}
        />
      )}
    </section>
  );
}
