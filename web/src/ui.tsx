// Small building blocks every screen uses: labelled fields with the API's error beside them,
// status badges, times in the district's zone, and a loader hook.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { fieldErrors, isoDateIn, label } from './logic';
import type { Checkout, Device } from './types';

let scanInput: HTMLInputElement | null = null;
export function registerScanBox(el: HTMLInputElement | null) {
  scanInput = el;
}
// The scan box gets the focus back after every action, so the next scan needs no click.
export function focusScan() {
  setTimeout(() => scanInput?.focus(), 0);
}

// Times show in the district's zone (config `timezone`, from /auth/options), not the browser's: a
// technician on a laptop set to another zone must read the same due time as the printed receipt.
let districtZone = '';
let dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export function setDistrictZone(zone: string) {
  try {
    // dateStyle/timeStyle cannot be combined with timeZoneName, hence the fields one by one.
    dateTime = new Intl.DateTimeFormat(undefined, {
      year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit',
      timeZone: zone || undefined, timeZoneName: 'short',
    });
    districtZone = zone;
  } catch {
    // An IANA name the browser does not know: keep the browser's own zone rather than show nothing.
  }
}

export const formatTime = (at: string) => dateTime.format(new Date(at));
export const districtToday = () => isoDateIn(new Date(), districtZone);

export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span>—</span>;
  return <time dateTime={at}>{formatTime(at)}</time>;
}

export function DateText({ date }: { date: string | null | undefined }) {
  if (!date) return <span>—</span>;
  return <time dateTime={date}>{dateOnly.format(new Date(date + 'T00:00:00Z'))}</time>;
}

export function Badge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{label(status)}</span>;
}

export interface FormErrors {
  fields: Record<string, string>;
  items: Record<number, string>;
  general: string | null;
}
export const noErrors: FormErrors = { fields: {}, items: {}, general: null };

export function errorsOf(e: unknown): FormErrors {
  if (e instanceof ApiError) {
    if (e.status === 401 || (e.status === 403 && e.body.code === 'csrf'))
      return { ...noErrors, general: 'Your session has ended; sign in again.' };
    return fieldErrors(e.body);
  }
  return { ...noErrors, general: String(e) };
}

let nextId = 0;
export function useId(prefix: string) {
  const [id] = useState(() => `${prefix}-${++nextId}`);
  return id;
}

// A labelled input; `error` (from the API's details) sits under it and is announced with it.
export function Field(props: {
  label: string;
  name: string;
  value: string;
  onInput: (v: string) => void;
  error?: string;
  type?: string;
  required?: boolean;
  hint?: string;
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'decimal';
  min?: string;
  wide?: boolean;
}) {
  const id = useId('f-' + props.name);
  const describedBy = [props.error ? id + '-err' : '', props.hint ? id + '-hint' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={'field' + (props.wide ? ' wide' : '')}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        min={props.min}
        autoComplete={props.autoComplete ?? 'off'}
        inputMode={props.inputMode}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {props.hint && (
        <p class="hint" id={id + '-hint'}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={id + '-err'} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Select(props: {
  label: string;
  name: string;
  value: string;
  options: Array<[string, string]>;
  onChange: (v: string) => void;
  error?: string;
}) {
  const id = useId('s-' + props.name);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? id + '-err' : undefined}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        {props.options.map(([v, text]) => (
          <option value={v} key={v}>
            {text}
          </option>
        ))}
      </select>
      {props.error && (
        <p class="field-error" id={id + '-err'} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Problem({ text }: { text: string | null | undefined }) {
  if (!text) return null;
  return (
    <div class="notice notice-error" role="alert">
      {text}
    </div>
  );
}

export function Notice({ text, kind = 'ok' }: { text: string | null | undefined; kind?: 'ok' | 'warn' | 'info' }) {
  if (!text) return null;
  return (
    <div class={`notice notice-${kind}`} role="status">
      {text}
    </div>
  );
}

export function Panel(props: { title: string; children: ComponentChildren; actions?: ComponentChildren; id?: string; level?: 2 | 3 }) {
  const H = props.level === 3 ? 'h3' : 'h2';
  return (
    <section class="panel" aria-labelledby={props.id}>
      <div class="panel-head">
        <H id={props.id}>{props.title}</H>
        {props.actions && <div class="panel-actions">{props.actions}</div>}
      </div>
      {props.children}
    </section>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

// Loads with `fn` whenever `deps` change; `reload` runs it again after an action.
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<FormErrors | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    fn().then(
      (d) => live && setData(d),
      (e) => {
        if (!live) return;
        setError(errorsOf(e));
        setData(null);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload, setData };
}

export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const id = useId('dlg');
  useEffect(() => {
    // The first field, not the Cancel button that comes before it in the heading.
    const box = document.getElementById(id);
    (box?.querySelector<HTMLElement>('input, select, textarea') ?? box?.querySelector<HTMLElement>('button'))?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div class="dialog" role="group" aria-labelledby={id + '-t'} id={id}>
      <div class="dialog-head">
        <h3 id={id + '-t'}>{props.title}</h3>
        <button type="button" class="ghost" onClick={props.onClose}>
          Cancel
        </button>
      </div>
      {props.children}
    </div>
  );
}

// A list table: a caption for screen readers, column heads, the rows, and a line saying so when there are none.
export function Table(props: { caption: ComponentChildren; heads: ComponentChildren[]; empty?: string; children: ComponentChildren }) {
  return (
    <table class="table">
      <caption class="sr-only">{props.caption}</caption>
      <thead>
        <tr>
          {props.heads.map((h, i) => (
            <th scope="col" key={i}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.children}
        {props.empty && (
          <tr>
            <td colSpan={props.heads.length} class="muted">
              {props.empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

// A printable slip: a way back and a Print button that stay off the paper, then the slip itself.
export function Slip(props: { back: string; backText: string; title: string; children: ComponentChildren }) {
  return (
    <div class="slip">
      <div class="no-print actions">
        <a href={props.back} class="button">
          {props.backText}
        </a>
        <button type="button" class="primary" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <h1>{props.title}</h1>
      {props.children}
    </div>
  );
}

// The head of one audit or campaign: the way back to the list, its name, a line about it, its actions.
export function SubPageHead(props: { back: string; backText: string; title: string; about: ComponentChildren; actions: ComponentChildren }) {
  return (
    <>
      <p class="crumbs">
        <a href={props.back}>{props.backText}</a>
      </p>
      <div class="page-head">
        <div>
          <h1>{props.title}</h1>
          <p class="muted">{props.about}</p>
        </div>
        {props.actions}
      </div>
    </>
  );
}

// The facts every receipt starts with: who, and which device.
export function SlipFacts({ who, c, d, children }: { who: string; c: Checkout; d: Device; children: ComponentChildren }) {
  return (
    <dl class="facts slip-facts">
      <dt>{who}</dt>
      <dd>{c.person ? `${c.person.name} (${c.person.external_id})` : c.location}</dd>
      <dt>Device</dt>
      <dd>
        {d.asset_tag ?? '—'} · serial {d.serial ?? '—'}
      </dd>
      <dt>Model</dt>
      <dd>{d.model ?? '—'}</dd>
      {children}
    </dl>
  );
}
