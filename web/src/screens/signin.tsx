import { useState } from "preact/hooks";
import { post, type User } from "../api";
import { ErrorBox, Field, TextInput } from "../ui";

export function SignIn({ onSignedIn }: { onSignedIn: (u: User) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  document.title = "Sign in · Latchkey";

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post<{ user: User }>("/session", { username, password });
      onSignedIn(r.user);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin-page">
      <form class="card signin" onSubmit={submit} aria-labelledby="signin-title">
        <div class="brand big">
          <span class="logo" aria-hidden="true">🔑</span> Latchkey
        </div>
        <h1 id="signin-title">Sign in</h1>
        <ErrorBox error={error} />
        <Field label="User name" required>
          {(id) => <TextInput id={id} name="username" autoComplete="username" value={username} onValue={setUsername} required autoFocus />}
        </Field>
        <Field label="Password" required>
          {(id) => <TextInput id={id} name="password" type="password" autoComplete="current-password" value={password} onValue={setPassword} required />}
        </Field>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
