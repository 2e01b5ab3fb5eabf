// Planning: replacements due by fiscal year (devices and cost), a budget what-if, the AUE cliff,
// filters by school and model, and the CSV for the business office.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, qs } from './api';
import { csvLine, formatCents, planRows, school, toCents, type PlanYear, type YearRow } from './logic';
import { Field, Loading, Problem, Select, useLoad } from './ui';

interface Plan {
  current_fiscal_year: string;
  years: number;
  budgeted: boolean;
  in_service: number;
  unplannable: number;
  total: { count: number; cost: string; unknown_cost: number };
  fiscal_years: PlanYear[];
  backlog: { count: number; cost: string };
}

function Chart({ rows, kind, budget }: { rows: YearRow[]; kind: 'cost' | 'aue'; budget: number | null }) {
  const el = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let destroy: (() => void) | null = null;
    let live = true;
    import('./chart').then(({ barChart }) => {
      if (!live || !el.current) return;
      el.current.innerHTML = '';
      destroy =
        kind === 'cost'
          ? barChart(el.current, {
              labels: rows.map((r) => r.fiscal_year),
              values: rows.map((r) => r.cents / 100),
              name: 'Replacement cost',
              color: '#2f6fde',
              format: (v) => formatCents(Math.round(v * 100)).replace(/\.00$/, ''),
              line: budget != null ? { name: 'Budget', values: rows.map(() => budget / 100), color: '#b4231b' } : undefined,
            })
          : barChart(el.current, {
              labels: rows.map((r) => r.fiscal_year),
              values: rows.map((r) => r.aue),
              name: 'Devices reaching AUE',
              color: '#c26a00',
              format: (v) => String(Math.round(v)),
            });
      setReady(true);
    });
    return () => {
      live = false;
      destroy?.();
    };
  }, [JSON.stringify(rows), budget, kind]);
  return <div ref={el} class="chart" data-ready={ready ? 'true' : 'false'} aria-hidden="true" />;
}

export function Planning() {
  const [years, setYears] = useState('5');
  const [budget, setBudget] = useState('');
  const [applied, setApplied] = useState<{ years: string; budget: string }>({ years: '5', budget: '' });
  const [location, setLocation] = useState('');
  const [model, setModel] = useState('');
  const { data, error } = useLoad(
    () => api.get<Plan>('/api/v1/reports/replacement-plan' + qs({ years: applied.years, budget: applied.budget || undefined })),
    [applied.years, applied.budget],
  );
  const apply = (e: Event) => {
    e.preventDefault();
    setApplied({ years, budget: budget.trim() });
  };
  const budgetCents = applied.budget ? toCents(applied.budget.includes('.') ? applied.budget : applied.budget + '.00') : null;

  const devices = data ? data.fiscal_years.flatMap((y) => y.devices) : [];
  const schools = [...new Set(devices.map((d) => school(d.location)))].sort();
  const models = [...new Set(devices.map((d) => d.model ?? '(none)'))].sort();
  const rows = data ? planRows(data.fiscal_years, { location, model: model === '(none)' ? undefined : model }) : [];
  const totalCount = rows.reduce((s, r) => s + r.count, 0);
  const totalCents = rows.reduce((s, r) => s + r.cents, 0);
  const filtered = !!(location || model);

  const download = () => {
    if (!data) return;
    const lines = [csvLine(['fiscal_year', 'id', 'asset_tag', 'serial', 'model', 'location', 'due_fiscal_year', 'reasons', 'cost'])];
    for (const y of data.fiscal_years)
      for (const d of y.devices)
        if ((!location || (d.location ?? '').startsWith(location)) && (!model || d.model === model))
          lines.push(csvLine([y.fiscal_year, d.id, d.asset_tag, d.serial, d.model, d.location, d.due_fiscal_year, d.reasons.join(';'), d.cost]));
    const url = URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'replacement-plan.csv';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div class="page">
      <div class="page-head">
        <h1>Planning</h1>
        <div class="panel-actions">
          {filtered ? (
            <button type="button" onClick={download}>
              Download CSV
            </button>
          ) : (
            <a class="button" href={'/api/v1/reports/replacement-plan' + qs({ years: applied.years, budget: applied.budget || undefined, format: 'csv' })} download="replacement-plan.csv">
              Download CSV
            </a>
          )}
        </div>
      </div>
      <form class="filters" onSubmit={apply} aria-label="Plan settings">
        <Select label="Years" name="years" value={years} onChange={setYears} options={['3', '5', '7', '10'].map((y) => [y, `${y} years`])} />
        <Field label="Budget per year (what if)" name="budget" value={budget} onInput={setBudget} inputMode="decimal" hint="e.g. 150000; empty: no cap" error={error?.fields.budget} />
        <button type="submit">Apply</button>
        <Select label="School" name="school" value={location} onChange={setLocation} options={[['', 'All schools'], ...schools.filter((s) => s !== '(none)').map((s): [string, string] => [s, s])]} />
        <Select label="Model" name="model" value={model} onChange={setModel} options={[['', 'All models'], ...models.map((m): [string, string] => [m, m])]} />
      </form>
      {error && !error.fields.budget && <Problem text={error.general} />}
      {!data && !error && <Loading what="the plan" />}
      {data && (
        <>
          <ul class="tiles">
            <li>
              <span class="tile">
                <span class="tile-n" data-testid="plan-total-count">{totalCount.toLocaleString()}</span>
                <span class="tile-t">devices due in {data.years} years</span>
              </span>
            </li>
            <li>
              <span class="tile">
                <span class="tile-n" data-testid="plan-total-cost">{formatCents(totalCents)}</span>
                <span class="tile-t">estimated cost</span>
              </span>
            </li>
            <li>
              <span class="tile">
                <span class="tile-n">{data.in_service.toLocaleString()}</span>
                <span class="tile-t">in service</span>
              </span>
            </li>
            {data.budgeted && (
              <li>
                <span class={'tile' + (data.backlog.count ? ' tile-warn' : '')}>
                  <span class="tile-n">{data.backlog.count.toLocaleString()}</span>
                  <span class="tile-t">still unfunded at the end</span>
                </span>
              </li>
            )}
          </ul>
          <div class="two">
            <section class="panel" aria-labelledby="cost-h">
              <h2 id="cost-h">Replacement cost by fiscal year</h2>
              <Chart rows={rows} kind="cost" budget={budgetCents} />
            </section>
            <section class="panel" aria-labelledby="aue-h">
              <h2 id="aue-h">AUE cliff: devices losing updates</h2>
              <Chart rows={rows} kind="aue" budget={null} />
            </section>
          </div>
          <table class="table plan-table">
            <caption>
              Replacement due by fiscal year{filtered ? ' (filtered)' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Fiscal year</th>
                <th scope="col" class="num">Devices</th>
                <th scope="col" class="num">Cost</th>
                <th scope="col" class="num">Reaching AUE</th>
                {data.budgeted && <th scope="col" class="num">Budget</th>}
                {data.budgeted && <th scope="col" class="num">Slips to next year</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.fiscal_year}>
                  <th scope="row">{r.fiscal_year}</th>
                  <td class="num">{r.count.toLocaleString()}</td>
                  <td class="num">{formatCents(r.cents)}</td>
                  <td class="num">{r.aue.toLocaleString()}</td>
                  {data.budgeted && <td class="num">{r.budget ?? '—'}</td>}
                  {data.budgeted && <td class={'num' + (r.deferred ? ' warn-text' : '')}>{r.deferred.toLocaleString()}</td>}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td class="num">{totalCount.toLocaleString()}</td>
                <td class="num">{formatCents(totalCents)}</td>
                <td class="num">{rows.reduce((s, r) => s + r.aue, 0).toLocaleString()}</td>
                {data.budgeted && <td />}
                {data.budgeted && <td />}
              </tr>
            </tfoot>
          </table>
        </>
      )}
    </div>
  );
}
