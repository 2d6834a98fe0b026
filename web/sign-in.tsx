import { useState } from 'preact/hooks';
import { ApiError } from '../client/index.js';
import type { Me } from './app.js';
import { client, describeError } from './session.js';

type Errors = Record<string, string[]>;

function errorsOf(error: unknown): Errors {
  if (!(error instanceof ApiError)) return { form: [describeError(error)] };
  if (error.detail !== undefined) return { form: [error.detail] };
  const errors: Errors = {};
  for (const field of Object.keys(error.body)) errors[field] = error.fieldErrors(field);
  return errors;
}

/** Messages under a field, announced as they appear. */
function FieldErrors({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages || messages.length === 0) return null;
  return <ul id={id} class="field-errors" role="alert">{messages.map((message) => <li key={message}>{message}</li>)}</ul>;
}

interface InputAttributes {
  id: string;
  name: string;
  autocomplete: string;
  required: boolean;
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}

function input(type: 'text' | 'email' | 'password', attributes: InputAttributes) {
  if (type === 'password') return <input type="password" {...attributes} />;
  if (type === 'email') return <input type="email" {...attributes} />;
  return <input type="text" {...attributes} />;
}

/** Logging in (by username or email) and registering. */
export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '');
    setBusy(true);
    setErrors({});
    try {
      if (mode === 'register') await client.register(value('username'), value('email'), value('password'));
      onSignedIn(await client.login(value('username'), value('password')));
    } catch (error) {
      setErrors(errorsOf(error));
    } finally {
      setBusy(false);
    }
  }

  const field = (name: string, label: string, type: 'text' | 'email' | 'password', autocomplete: string) => (
    <div class="field">
      <label for={`${mode}-${name}`}>{label}</label>
      {input(type, {
        id: `${mode}-${name}`, name, autocomplete, required: true,
        'aria-invalid': errors[name] ? 'true' : undefined, 'aria-describedby': errors[name] ? `${mode}-${name}-errors` : undefined,
      })}
      <FieldErrors id={`${mode}-${name}-errors`} messages={errors[name]} />
    </div>
  );

  return (
    <section class="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{mode === 'login' ? 'Log in' : 'Register'}</h1>
      <form onSubmit={submit} noValidate>
        {mode === 'login'
          ? field('username', 'Username or email', 'text', 'username')
          : field('username', 'Username', 'text', 'username')}
        {mode === 'register' && field('email', 'Email', 'email', 'email')}
        {field('password', 'Password', 'password', mode === 'login' ? 'current-password' : 'new-password')}
        <FieldErrors id="form-errors" messages={errors.form} />
        <button type="submit" disabled={busy}>{mode === 'login' ? 'Log in' : 'Register'}</button>
      </form>
      <p>
        {mode === 'login' ? 'No account yet? ' : 'Have an account? '}
        <button type="button" class="link" onClick={() => { setMode(mode === 'login' ? 'register' : 'login'); setErrors({}); }}>
          {mode === 'login' ? 'Create one' : 'Log in instead'}
        </button>
      </p>
    </section>
  );
}
