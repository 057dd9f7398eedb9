// Secrets: list (keys only), create, update (merge and remove keys), rename, share, delete;
// values are fetched (expand_secrets=true) only when someone allowed asks to reveal them.
import { useState } from "preact/hooks";
import { del, enc, errorMessage, get, post, put, type Secret } from "../api";
import { Badge, Button, Card, ConfirmButton, Empty, ErrorBox, Field, Loaded, PageHeader, SecretValue, TextInput, Time, usePagedList } from "../ui";

type Row = { key: string; value: string };

function ValuesEditor({ rows, onRows, existing }: { rows: Row[]; onRows: (r: Row[]) => void; existing?: string[] }) {
  const set = (i: number, k: keyof Row, v: string) => onRows(rows.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  return (
    <fieldset class="field">
      <legend>Values</legend>
      {rows.map((r, i) => (
        <div class="label-row" key={i}>
          <input class="input" aria-label={`Key ${i + 1}`} placeholder="key" value={r.key} onInput={(e) => set(i, "key", (e.target as HTMLInputElement).value)} />
          <span aria-hidden="true">=</span>
          <input class="input" type="password" autoComplete="new-password" aria-label={`Value ${i + 1}`} placeholder={existing?.includes(r.key) ? "[HIDDEN] — type to replace" : "value"}
                 value={r.value} onInput={(e) => set(i, "value", (e.target as HTMLInputElement).value)} />
          <button type="button" class="btn btn-ghost" aria-label={`Remove key ${i + 1}`} onClick={() => onRows(rows.filter((_, j) => j !== i))}>✕</button>
        </div>
      ))}
      <button type="button" class="btn btn-ghost" onClick={() => onRows([...rows, { key: "", value: "" }])}>+ Add key</button>
    </fieldset>
  );
}

export function SecretsScreen() {
  const { state: page, pager } = usePagedList<Secret>("/secrets");
  const state = { ...page, data: page.data?.items };
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader title="Secrets" sub="Named sets of secret values; connectors and components refer to them."
                  actions={!creating && <Button kind="primary" onClick={() => setCreating(true)}>New secret</Button>} />
      {creating && <CreateSecret onDone={(changed) => { setCreating(false); if (changed) state.reload(); }} />}
      <Loaded state={state}>
        {(secrets) => secrets.length === 0 ? <Empty>No secrets yet.</Empty> : (
          <div class="stack">
            {secrets.map((s) => <SecretCard key={s.id} s={s} onChanged={state.reload} />)}
          </div>
        )}
      </Loaded>
      {pager}
    </>
  );
}

function CreateSecret({ onDone }: { onDone: (changed: boolean) => void }) {
  const [name, setName] = useState("");
  const [rows, setRows] = useState<Row[]>([{ key: "", value: "" }]);
  const [shared, setShared] = useState(false);
  const [error, setError] = useState<string>("");
  const [busy, setBusy] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    const values: Record<string, string> = {};
    for (const r of rows) if (r.key.trim()) values[r.key.trim()] = r.value;
    try {
      await post("/secrets", { name, values, shared });
      onDone(true);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={save}>
      <Card title="New secret">
        <Field label="Name" required error={error.includes("'name'") ? error : undefined}>{(id) => <TextInput id={id} name="secret_name" value={name} onValue={setName} />}</Field>
        <ValuesEditor rows={rows} onRows={setRows} />
        <label class="check"><input type="checkbox" checked={shared} onChange={(e) => setShared((e.target as HTMLInputElement).checked)} /> Shared with everyone</label>
        {error && !error.includes("'name'") && <ErrorBox error={error} />}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Creating…" : "Create secret"}</button>
          <Button kind="ghost" onClick={() => onDone(false)}>Cancel</Button>
        </div>
      </Card>
    </form>
  );
}

function SecretCard({ s, onChanged }: { s: Secret; onChanged: () => void }) {
  const [revealed, setRevealed] = useState<Record<string, string> | null>(null);
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const reveal = async () => {
    setError(null);
    try {
      setRevealed((await get<Secret>(`/secrets/${enc(s.id)}`, { expand_secrets: true })).values);
    } catch (e) {
      setError(e);
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await del(`/secrets/${enc(s.id)}`);
      onChanged();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Card title={<>{s.name} {s.shared && <Badge kind="ok">shared</Badge>}</>}
          actions={!editing && <>
            {!revealed && Object.keys(s.values).length > 0 && <Button onClick={reveal}>Reveal</Button>}
            <Button onClick={() => setEditing(true)}>Edit</Button>
            <ConfirmButton label="Delete" confirmLabel={`Delete “${s.name}”?`} onConfirm={remove} busy={busy} />
          </>}>
      <p class="muted small">Owner {s.owner} · updated <Time iso={s.updated} /> · <code>{s.id}</code></p>
      <ErrorBox error={error} title="Refused:" />
      {editing ? <EditSecret s={s} onDone={(changed) => { setEditing(false); setRevealed(null); if (changed) onChanged(); }} /> : (
        Object.keys(s.values).length === 0 ? <p class="muted">No values.</p> : (
          <table class="table compact">
            <thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead>
            <tbody>
              {Object.keys(s.values).map((k) => (
                <tr key={k}><td><code>{k}</code></td><td><SecretValue value={revealed?.[k] ?? s.values[k]} /></td></tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </Card>
  );
}

function EditSecret({ s, onDone }: { s: Secret; onDone: (changed: boolean) => void }) {
  const keys = Object.keys(s.values);
  const [name, setName] = useState(s.name);
  const [rows, setRows] = useState<Row[]>(keys.map((k) => ({ key: k, value: "" })));
  const [shared, setShared] = useState(s.shared);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const values: Record<string, string> = {};
    for (const r of rows) if (r.key.trim() && (r.value !== "" || !keys.includes(r.key.trim()))) values[r.key.trim()] = r.value;
    const kept = new Set(rows.map((r) => r.key.trim()));
    const remove_keys = keys.filter((k) => !kept.has(k));
    try {
      await put(`/secrets/${enc(s.id)}`, { ...(name !== s.name ? { name } : {}), values, ...(remove_keys.length ? { remove_keys } : {}), shared });
      onDone(true);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form onSubmit={save} class="edit-secret">
      <Field label="Name">{(id) => <TextInput id={id} name="secret_rename" value={name} onValue={setName} />}</Field>
      <p class="muted small">Values merge: an empty value keeps the stored one; removing a row removes the key.</p>
      <ValuesEditor rows={rows} onRows={setRows} existing={keys} />
      <label class="check"><input type="checkbox" checked={shared} onChange={(e) => setShared((e.target as HTMLInputElement).checked)} /> Shared with everyone</label>
      <ErrorBox error={error} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Saving…" : "Save secret"}</button>
        <Button kind="ghost" onClick={() => onDone(false)}>Cancel</Button>
      </div>
    </form>
  );
}
