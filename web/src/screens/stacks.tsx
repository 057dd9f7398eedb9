// Stack components (flavors with their connector requirement; register, connect to a
// compatible connector and resource chosen from a list as `connect -i` offers, disconnect) and
// stacks (register, update members, set active, delete).
import { useState } from "preact/hooks";
import { COMPONENT_TYPES, del, enc, errorMessage, get, post, put, type Component, type Flavor, type Page, type ResourcesReport, type Stack } from "../api";
import { Badge, Button, Card, ConfirmButton, Empty, ErrorBox, Field, KeyValueTable, Loaded, Loading, PageHeader, ResourcesTable, TextInput, Time, useAsync, usePagedList } from "../ui";

const typeLabel = (t: string) => t.replace(/_/g, " ");

let flavorsCache: Promise<Flavor[]> | null = null;
function loadFlavors(): Promise<Flavor[]> {
  if (!flavorsCache) {
    flavorsCache = get<Flavor[]>("/flavors");
    flavorsCache.catch(() => (flavorsCache = null));
  }
  return flavorsCache;
}

// The components a stack can be built from: the first 1,000 of each type (one page each).
async function loadComponents(): Promise<Component[]> {
  const pages = await Promise.all(COMPONENT_TYPES.map((t) => get<Page<Component>>(`/stack_components/${t}`, { size: 1000 })));
  return pages.flatMap((p) => p.items);
}

function requirementText(f: Flavor): string {
  const r = f.connector_requirement;
  if (!r) return "no connector";
  return `${r.connector_type ?? "any"} connector, ${r.resource_type}${r.resource_id_attr ? ` (resource from '${r.resource_id_attr}')` : ""}`;
}

export function ComponentsScreen() {
  const flavors = useAsync(loadFlavors, []);
  const components = useAsync(loadComponents, []);
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader title="Stack components" sub="Artifact stores, container registries and orchestrators, linked to connectors for their credentials."
                  actions={!creating && <Button kind="primary" onClick={() => setCreating(true)}>Register a component</Button>} />
      {creating && (flavors.data ? <RegisterComponent flavors={flavors.data} onDone={(c) => { setCreating(false); if (c) components.reload(); }} />
                    : flavors.error ? <ErrorBox error={flavors.error} title="Flavors could not be loaded:" /> : <Loading />)}
      <Loaded state={components}>
        {(list) => list.length === 0 ? <Empty>No stack components yet.</Empty> : (
          <div class="stack">
            {list.map((c) => <ComponentCard key={c.id} c={c} flavor={flavors.data?.find((f) => f.type === c.type && f.name === c.flavor)} onChanged={components.reload} />)}
          </div>
        )}
      </Loaded>
      <h2 class="section-title">Flavors</h2>
      <Loaded state={flavors}>
        {(fl) => (
          <div class="table-wrap">
            <table class="table flavors-table">
              <thead><tr><th scope="col">TYPE</th><th scope="col">FLAVOR</th><th scope="col">ATTRIBUTES</th><th scope="col">CONNECTOR REQUIREMENT</th></tr></thead>
              <tbody>
                {fl.map((f) => (
                  <tr key={f.type + f.name}>
                    <td>{typeLabel(f.type)}</td>
                    <td><strong>{f.name}</strong><div class="muted small">{f.description}</div></td>
                    <td>{f.attributes.map((a) => <span class="chip" key={a.name} title={a.description}>{a.name}{a.required ? "*" : ""}{a.secret ? " 🔒" : ""}</span>)}</td>
                    <td>{requirementText(f)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </>
  );
}

function RegisterComponent({ flavors, onDone }: { flavors: Flavor[]; onDone: (created: boolean) => void }) {
  const [type, setType] = useState<string>(COMPONENT_TYPES[0]);
  const [flavorName, setFlavorName] = useState("");
  const [name, setName] = useState("");
  const [config, setConfig] = useState<Record<string, string>>({});
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const flavor = flavors.find((f) => f.type === type && f.name === flavorName);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    const configuration: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) if (v !== "" && flavor?.attributes.some((a) => a.name === k)) configuration[k] = v;
    try {
      await post(`/stack_components/${enc(type)}`, { name, flavor: flavorName, configuration });
      onDone(true);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={save}>
      <Card title="Register a component">
        <div class="row">
          <Field label="Component type">
            {(id) => (
              <select id={id} class="input" value={type} onChange={(e) => { setType((e.target as HTMLSelectElement).value); setFlavorName(""); }}>
                {COMPONENT_TYPES.map((t) => <option key={t} value={t}>{typeLabel(t)}</option>)}
              </select>
            )}
          </Field>
          <Field label="Flavor" required>
            {(id) => (
              <select id={id} name="flavor" class="input" value={flavorName} onChange={(e) => setFlavorName((e.target as HTMLSelectElement).value)}>
                <option value="">Choose…</option>
                {flavors.filter((f) => f.type === type).map((f) => <option key={f.name} value={f.name}>{f.name}</option>)}
              </select>
            )}
          </Field>
          <Field label="Name" required>{(id) => <TextInput id={id} name="component_name" value={name} onValue={setName} />}</Field>
        </div>
        {flavor && (
          <>
            <p class="muted">{flavor.description} · needs {requirementText(flavor)}</p>
            {flavor.attributes.map((a) => (
              <Field key={a.name} label={<code>{a.name}</code>} required={a.required} id={`attr-${a.name}`}
                     hint={`${a.description}${a.secret ? " (a {{secret.key}} reference)" : ""}`}
                     error={error.includes(`'${a.name}'`) ? error : undefined}>
                {(id) => <TextInput id={id} name={a.name} value={config[a.name] ?? ""} onValue={(v) => setConfig({ ...config, [a.name]: v })} />}
              </Field>
            ))}
          </>
        )}
        {error && !flavor?.attributes.some((a) => error.includes(`'${a.name}'`)) && <ErrorBox error={error} />}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy || !flavor}>{busy ? "Registering…" : "Register component"}</button>
          <Button kind="ghost" onClick={() => onDone(false)}>Cancel</Button>
        </div>
      </Card>
    </form>
  );
}

function ComponentCard({ c, flavor, onChanged }: { c: Component; flavor?: Flavor; onChanged: () => void }) {
  const [connecting, setConnecting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ResourcesReport | null>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={<>{c.name} <Badge>{typeLabel(c.type)}</Badge> <Badge kind="info">{c.flavor}</Badge></>}
          actions={<>
            {flavor?.connector_requirement && !connecting && <Button onClick={() => setConnecting(true)}>{c.connector_id ? "Reconnect" : "Connect"}</Button>}
            {c.connector_id && <Button busy={busy} onClick={() => act(() => post(`/stack_components/${enc(c.type)}/${enc(c.id)}/disconnect`))}>Disconnect</Button>}
            <ConfirmButton label="Delete" confirmLabel={`Delete “${c.name}”?`} busy={busy} onConfirm={() => act(() => del(`/stack_components/${enc(c.type)}/${enc(c.id)}`))} />
          </>}>
      <ErrorBox error={error} title="Refused:" />
      <KeyValueTable rows={[
        ...Object.entries(c.configuration).map(([k, v]): [string, preact.ComponentChildren] => [k, <span class="pre">{v}</span>]),
        ["Connector", c.connector_id ? <span class="connected"><code>{c.connector_id}</code> → <strong>{c.connector_resource_id}</strong></span> : <span class="muted">not connected</span>],
        ["Owner", c.owner],
        ["Updated", <Time iso={c.updated} />],
      ]} />
      {connecting && flavor?.connector_requirement && (
        <ConnectPicker c={c} flavor={flavor} onDone={(r) => { setConnecting(false); if (r) { setResult(r); onChanged(); } }} />
      )}
      {result && <ResourcesTable reports={[{ ...result, name: result.name }]} />}
    </Card>
  );
}

// Lists every (connector, resource) pair that satisfies the flavor's requirement, as
// `stack-component connect -i` does.
function ConnectPicker({ c, flavor, onDone }: { c: Component; flavor: Flavor; onDone: (r: ResourcesReport | null) => void }) {
  const req = flavor.connector_requirement!;
  const state = useAsync(() => get<ResourcesReport[]>("/service_connectors/resources", { connector_type: req.connector_type ?? undefined, resource_type: req.resource_type, exclude_errors: true }), []);
  const [choice, setChoice] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const connect = async (e: Event) => {
    e.preventDefault();
    const [connector, resource_id] = JSON.parse(choice) as [string, string];
    setBusy(true);
    setError(null);
    try {
      // When the component's configuration names the resource (a registry's uri, a bucket's
      // path), the server derives it from there, as `connect` without --resource-id does.
      const named = req.resource_id_attr && c.configuration[req.resource_id_attr];
      const r = await post<Component & { resources: ResourcesReport | null }>(`/stack_components/${enc(c.type)}/${enc(c.id)}/connect`,
                                                                               named ? { connector } : { connector, resource_id });
      onDone(r.resources ?? null);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form class="connect-picker" onSubmit={connect}>
      <h3>Connect to a {req.resource_type}</h3>
      <Loaded state={state}>
        {(reports) => {
          const options = reports.flatMap((r) => r.resources.filter((x) => x.resource_type === req.resource_type).flatMap((x) => (x.resource_ids ?? []).map((rid) => ({ connector: r.id ?? "", name: r.name ?? r.id ?? "", rid, type: r.connector_type }))));
          if (options.length === 0) return <Empty>No connector reaches a {req.resource_type}. Register one first.</Empty>;
          return (
            <fieldset class="field">
              <legend>Connector and resource</legend>
              {options.map((o) => {
                const v = JSON.stringify([o.connector, o.rid]);
                return (
                  <label class="radio" key={v}>
                    <input type="radio" name={`connect-${c.id}`} value={v} checked={choice === v} onChange={() => setChoice(v)} />
                    <span><strong>{o.name}</strong> <span class="muted">({o.type})</span> → <code>{o.rid}</code></span>
                  </label>
                );
              })}
            </fieldset>
          );
        }}
      </Loaded>
      <ErrorBox error={error} title="Not connected:" />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={!choice || busy}>{busy ? "Connecting…" : "Connect"}</button>
        <Button kind="ghost" onClick={() => onDone(null)}>Cancel</Button>
      </div>
    </form>
  );
}

export function StacksScreen() {
  const { state: stacks, pager: stacksPager } = usePagedList<Stack>("/stacks");
  const active = useAsync(() => get<{ stack: Stack | null }>("/active_stack"), []);
  const components = useAsync(loadComponents, []);
  const [editing, setEditing] = useState<Stack | "new" | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = () => { stacks.reload(); active.reload(); };
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <PageHeader title="Stacks" sub="A stack names one component of each type; your active stack is what pipelines use."
                  actions={!editing && <Button kind="primary" onClick={() => setEditing("new")}>Register a stack</Button>} />
      {editing && components.data && <StackForm stack={editing === "new" ? null : editing} components={components.data} onDone={(changed) => { setEditing(null); if (changed) reload(); }} />}
      <ErrorBox error={error} title="Refused:" />
      <Loaded state={stacks}>
        {({ items: list }) => list.length === 0 ? <Empty>No stacks yet.</Empty> : (
          <div class="table-wrap">
            <table class="table stacks-table">
              <thead><tr><th scope="col">ACTIVE</th><th scope="col">NAME</th>{COMPONENT_TYPES.map((t) => <th scope="col" key={t}>{typeLabel(t).toUpperCase()}</th>)}<th scope="col">OWNER</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                {list.map((s) => {
                  const isActive = active.data?.stack?.id === s.id;
                  return (
                    <tr key={s.id}>
                      <td>{isActive ? <Badge kind="ok">active</Badge> : <Button kind="ghost" onClick={() => act(() => put("/active_stack", { stack: s.id }))}>Set active</Button>}</td>
                      <td><strong>{s.name}</strong></td>
                      {COMPONENT_TYPES.map((t) => <td key={t}>{s.components[t]?.name ?? <span class="muted">—</span>}</td>)}
                      <td>{s.owner}</td>
                      <td class="row-actions">
                        <Button onClick={() => setEditing(s)}>Edit</Button>
                        <ConfirmButton label="Delete" confirmLabel={`Delete “${s.name}”?`} onConfirm={() => act(() => del(`/stacks/${enc(s.id)}`))} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
      {stacksPager}
    </>
  );
}

function StackForm({ stack, components, onDone }: { stack: Stack | null; components: Component[]; onDone: (changed: boolean) => void }) {
  const [name, setName] = useState(stack?.name ?? "");
  const [members, setMembers] = useState<Record<string, string>>(() => {
    const m: Record<string, string> = {};
    for (const t of COMPONENT_TYPES) m[t] = stack?.components[t]?.id ?? "";
    return m;
  });
  const [setActive, setSetActive] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (stack) {
        const update: Record<string, string | null> = {};
        for (const t of COMPONENT_TYPES) {
          const before = stack.components[t]?.id ?? "";
          if (members[t] !== before) update[t] = members[t] || null;
        }
        await put(`/stacks/${enc(stack.id)}`, { components: update });
      } else {
        const comps: Record<string, string> = {};
        for (const t of COMPONENT_TYPES) if (members[t]) comps[t] = members[t];
        await post("/stacks", { name, components: comps, set_active: setActive });
      }
      onDone(true);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form onSubmit={save}>
      <Card title={stack ? `Edit stack “${stack.name}”` : "Register a stack"}>
        {!stack && <Field label="Name" required>{(id) => <TextInput id={id} name="stack_name" value={name} onValue={setName} />}</Field>}
        <div class="row">
          {COMPONENT_TYPES.map((t) => (
            <Field key={t} label={typeLabel(t)} required={t === "artifact_store"}>
              {(id) => (
                <select id={id} name={t} class="input" value={members[t]} onChange={(e) => setMembers({ ...members, [t]: (e.target as HTMLSelectElement).value })}>
                  <option value="">(none)</option>
                  {components.filter((c) => c.type === t).map((c) => <option key={c.id} value={c.id}>{c.name} ({c.flavor})</option>)}
                </select>
              )}
            </Field>
          ))}
        </div>
        {!stack && <label class="check"><input type="checkbox" checked={setActive} onChange={(e) => setSetActive((e.target as HTMLInputElement).checked)} /> Make it my active stack</label>}
        <ErrorBox error={error} />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Saving…" : stack ? "Save stack" : "Register stack"}</button>
          <Button kind="ghost" onClick={() => onDone(false)}>Cancel</Button>
        </div>
      </Card>
    </form>
  );
}
