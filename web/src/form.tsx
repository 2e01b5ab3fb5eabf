// What every form of the desk shares: the API's refusal shown beside its fields, a submit button that
// stays down while the request runs, and the dialog that holds an action's form.
import type { ComponentChildren, RefObject } from 'preact';
import { useState } from 'preact/hooks';
import { Dialog, errorsOf, noErrors, Problem, type FormErrors } from './ui';

// `submit(e, ...args)` runs `work`; a refusal lands in `errors` (through `fail` where the form reads some
// refusals itself) and frees the button. Success leaves it down: the form goes away or moves on.
export function useSubmit<A extends unknown[]>(
  work: (...args: A) => Promise<void>,
  fail?: (err: unknown, ...args: A) => FormErrors | Promise<FormErrors>,
) {
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event, ...args: A) => {
    e.preventDefault();
    setBusy(true);
    try {
      await work(...args);
    } catch (err) {
      setErrors(fail ? await fail(err, ...args) : errorsOf(err));
      setBusy(false);
    }
  };
  return { errors, setErrors, busy, submit };
}

export function Submit({ text, busy }: { text: string; busy: boolean }) {
  return (
    <button type="submit" class="primary" disabled={busy}>
      {text}
    </button>
  );
}

// An action's dialog: its fields, then the general refusal, then the one submit button.
export function FormDialog(props: {
  title: string;
  onClose: () => void;
  onSubmit: (e: Event) => void;
  problem?: string | null;
  submitText: string;
  busy: boolean;
  before?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      {props.before}
      <form onSubmit={props.onSubmit} class="form-grid">
        {props.children}
        <Problem text={props.problem} />
        <div class="form-actions">
          <Submit text={props.submitText} busy={props.busy} />
        </div>
      </form>
    </Dialog>
  );
}

// A scan box: a scanner types the code and Enter into it. Its hint, when there is one, is `<id>-hint`.
export function ScanBox(props: {
  id: string;
  label: string;
  button: string;
  inputRef: RefObject<HTMLInputElement>;
  code: string;
  setCode: (v: string) => void;
  onSubmit: (e: Event) => void;
  hint?: ComponentChildren;
  invalid?: boolean;
  busy?: boolean;
  role?: 'search';
  children?: ComponentChildren;
}) {
  return (
    <form class="scanbar" role={props.role} onSubmit={props.onSubmit} aria-busy={props.busy}>
      <label for={props.id}>{props.label}</label>
      <div class="scanrow">
        <input
          id={props.id}
          ref={props.inputRef}
          value={props.code}
          autoComplete="off"
          spellcheck={false}
          aria-describedby={props.hint ? props.id + '-hint' : undefined}
          aria-invalid={props.invalid ? 'true' : undefined}
          onInput={(e) => props.setCode((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary">
          {props.button}
        </button>
      </div>
      {props.hint && (
        <p id={props.id + '-hint'} class="hint">
          {props.hint}
        </p>
      )}
      {props.children}
    </form>
  );
}
