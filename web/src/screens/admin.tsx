// Administration (admins only; the server refuses these routes to others anyway): users,
// service accounts and their API keys, every API token with revoke.
import { useState } from "preact/hooks";
import { del, enc, get, post, type IssuedToken, type Page, type Token, type User } from "../api";
import { Badge, Button, Card, ConfirmButton, Empty, ErrorBox, Field, Loaded, PageHeader, SecretValue, TextInput, Time, useAsync, usePagedList } from "../ui";

export function AdminScreen() {
  const { state: users, pager: usersPager } = usePagedList<User>("/users");
  const { state: tokens, pager: tokensPager } = usePagedList<Token>("/tokens", { all: true });
  // The names of this page's token owners, by ID in one query (they may be on any users page).
  const ownerIds = [...new Set(tokens.data?.items.map((t) => t.user_id) ?? [])].join(",");
  const owners = useAsync(() => (ownerIds ? get<Page<User>>("/users", { id: `oneof:${ownerIds}`, size: 1000 }) : Promise.resolve(null)), [ownerIds]);
  const [error, setError] = useState<unknown>(null);
  const [issued, setIssued] = useState<{ user: string; token: IssuedToken } | null>(null);
  const userName = (id: string) => owners.data?.items.find((u) => u.id === id)?.name ?? id;
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      users.reload();
      tokens.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <PageHeader title="Administration" sub="Users, service accounts, API keys and tokens." />
      <ErrorBox error={error} title="Refused:" />
      <div class="two-col">
        <NewUser onCreated={() => users.reload()} />
        <Card title="API key issued">
          {issued ? (
            <>
              <p>For <strong>{issued.user}</strong> · <code>{issued.token.name}</code> · expires <Time iso={issued.token.expires_at} /></p>
              <p class="muted small">Copy it now: it is not shown again.</p>
              <SecretValue value={issued.token.token} />
            </>
          ) : <p class="muted">Create an API key for a service account below; it appears here once.</p>}
        </Card>
      </div>
      <Card title="Users and service accounts">
        <Loaded state={users}>
          {({ items: list }) => list.length === 0 ? <Empty>No users.</Empty> : (
            <div class="table-wrap">
              <table class="table users-table">
                <thead><tr><th scope="col">NAME</th><th scope="col">KIND</th><th scope="col">ACTIVE</th><th scope="col">CREATED</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
                <tbody>
                  {list.map((u) => (
                    <tr key={u.id}>
                      <td><strong>{u.name}</strong></td>
                      <td>{u.service_account ? <Badge kind="info">service account</Badge> : "user"} {u.admin && <Badge kind="warn">admin</Badge>}</td>
                      <td>{u.active ? "yes" : "no"}</td>
                      <td><Time iso={u.created} /></td>
                      <td class="row-actions">
                        {u.service_account && <ApiKeyButton user={u} onIssued={(t) => { setIssued({ user: u.name, token: t }); tokens.reload(); }} onError={setError} />}
                        <ConfirmButton label="Delete" confirmLabel={`Delete “${u.name}”?`} onConfirm={() => act(() => del(`/users/${enc(u.name)}`))} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
        {usersPager}
      </Card>
      <Card title="API tokens">
        <Loaded state={tokens}>
          {({ items: list }) => list.length === 0 ? <Empty>No tokens.</Empty> : (
            <div class="table-wrap">
              <table class="table tokens-table">
                <thead><tr><th scope="col">NAME</th><th scope="col">USER</th><th scope="col">CREATED</th><th scope="col">EXPIRES</th><th scope="col">STATE</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
                <tbody>
                  {list.map((t) => (
                    <tr key={t.id}>
                      <td>{t.name}</td>
                      <td>{userName(t.user_id)}</td>
                      <td><Time iso={t.created} /></td>
                      <td><Time iso={t.expires_at} /></td>
                      <td>{t.revoked ? <Badge kind="danger">revoked</Badge> : <Badge kind="ok">active</Badge>}</td>
                      <td class="row-actions">{!t.revoked && <ConfirmButton label="Revoke" confirmLabel="Revoke this token?" onConfirm={() => act(() => del(`/tokens/${enc(t.id)}`))} />}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
        {tokensPager}
      </Card>
    </>
  );
}

function ApiKeyButton({ user, onIssued, onError }: { user: User; onIssued: (t: IssuedToken) => void; onError: (e: unknown) => void }) {
  const [busy, setBusy] = useState(false);
  const issue = async () => {
    setBusy(true);
    try {
      onIssued(await post<IssuedToken>(`/users/${enc(user.name)}/api_keys`, { name: `dashboard-${Date.now()}` }));
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  return <Button busy={busy} onClick={issue}>New API key</Button>;
}

function NewUser({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [kind, setKind] = useState<"user" | "admin" | "service">("user");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post("/users", { name, ...(kind === "service" ? { service_account: true } : { password, admin: kind === "admin" }) });
      setName("");
      setPassword("");
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={save}>
      <Card title="New user or service account">
        <Field label="Kind">
          {(id) => (
            <select id={id} class="input" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as typeof kind)}>
              <option value="user">User</option>
              <option value="admin">Administrator</option>
              <option value="service">Service account</option>
            </select>
          )}
        </Field>
        <Field label="Name" required>{(id) => <TextInput id={id} name="new_user_name" value={name} onValue={setName} autoComplete="off" />}</Field>
        {kind !== "service" && <Field label="Password" required>{(id) => <TextInput id={id} name="new_user_password" type="password" autoComplete="new-password" value={password} onValue={setPassword} />}</Field>}
        <ErrorBox error={error} />
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Creating…" : "Create"}</button>
      </Card>
    </form>
  );
}
