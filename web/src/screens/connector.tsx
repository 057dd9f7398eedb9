// One connector: properties, configuration (secrets [HIDDEN] until revealed by someone
// allowed), verification and resources, client credentials with a live countdown, edit, delete.
import { useState } from "preact/hooks";
import { del, enc, errorMessage, get, put, type Connector, type ConnectorType, type Json, type ResourcesReport } from "../api";
import { navigate, useLocation } from "../router";
import { useSession } from "../session";
import {
  Badge, Button, Card, ConfirmButton, ErrorBox, ExpiresIn, Field, KeyValueTable, Labels, Loaded, Notice,
  PageHeader, ResourcesTable, SecretValue, TextInput, Time, jsonText, useAsync, useNow,
} from "../ui";
import { errorField, fromValue, LabelsEditor, SharingPicker, sharingBody, sharingOf, SpecField, toValue, type Sharing } from "./fields";
import { resourceName } from "./connectors";
import { loadTypes } from "./types";

export function ConnectorPage({ id }: { id: string }) {
  const loc = useLocation();
  const state = useAsync(() => get<Connector>(`/service_connectors/${enc(id)}`), [id]);
  const types = useAsync(loadTypes, []);
  const [editing, setEditing] = useState(false);
  return (
    <Loaded state={state}>
      {(c) => {
        const spec = types.data?.find((t) => t.connector_type === c.connector_type);
        return (
          <>
            <PageHeader title={c.name} sub={<>{spec?.emoji} {spec?.name ?? c.connector_type} · <code>{c.id}</code></>}
                        actions={!editing && <Button onClick={() => setEditing(true)}>Edit</Button>} />
            {loc.query.get("registered") && <Notice>Connector registered and verified.</Notice>}
            {editing ? (
              <EditConnector c={c} spec={spec} onDone={(changed) => { setEditing(false); if (changed) state.reload(); }} />
            ) : (
              <Details c={c} />
            )}
            <VerifyCard c={c} />
            <ClientCard c={c} spec={spec} />
            <DeleteCard c={c} />
          </>
        );
      }}
    </Loaded>
  );
}

function Details({ c }: { c: Connector }) {
  const [revealed, setRevealed] = useState<Record<string, string> | null>(null);
  const [revealError, setRevealError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const reveal = async () => {
    setBusy(true);
    setRevealError(null);
    try {
      const full = await get<Connector>(`/service_connectors/${enc(c.id)}`, { expand_secrets: true });
      setRevealed(full.secrets);
    } catch (e) {
      setRevealError(e);
    } finally {
      setBusy(false);
    }
  };
  const secretKeys = Object.keys(c.secrets);
  return (
    <div class="two-col">
      <Card title="Properties">
        <KeyValueTable rows={[
          ["ID", <code>{c.id}</code>],
          ["Name", c.name],
          ["Type", c.connector_type],
          ["Auth method", c.auth_method],
          ["Resource types", c.resource_types.join(", ")],
          ["Resource name", resourceName(c) || <span class="muted">—</span>],
          ["Description", c.description ? <span class="pre">{c.description}</span> : <span class="muted">—</span>],
          ["Owner", c.owner],
          ["Sharing", c.shared ? (c.shared_read_only ? <Badge kind="info">shared read-only</Badge> : c.share_secrets ? <Badge kind="warn">shared with its secrets</Badge> : <Badge kind="ok">shared</Badge>) : "private"],
          ["Labels", <Labels labels={c.labels} />],
          ["Expires in", <ExpiresIn iso={c.expires_at} />],
          ["Expiration (s)", c.expiration_seconds ?? "—"],
          ["Created", <Time iso={c.created} />],
          ["Updated", <Time iso={c.updated} />],
          ["Version", c.version],
        ]} />
      </Card>
      <Card title="Configuration" actions={secretKeys.length > 0 && !revealed && <Button onClick={reveal} busy={busy}>Reveal secrets</Button>}>
        <ErrorBox error={revealError} title="Secrets not revealed:" />
        {Object.keys(c.configuration).length + secretKeys.length === 0 ? <p class="muted">No configuration.</p> : (
          <KeyValueTable rows={[
            ...Object.entries(c.configuration).map(([k, v]): [string, preact.ComponentChildren] => [k, <span class="pre">{jsonText(v)}</span>]),
            ...secretKeys.map((k): [string, preact.ComponentChildren] => [k, <SecretValue value={revealed?.[k] ?? c.secrets[k]} />]),
          ]} />
        )}
      </Card>
    </div>
  );
}

function VerifyCard({ c }: { c: Connector }) {
  const [report, setReport] = useState<ResourcesReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(await put<ResourcesReport>(`/service_connectors/${enc(c.id)}/verify`, {}));
    } catch (e) {
      setError(e);
      setReport(null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Resources" actions={<Button onClick={verify} busy={busy}>{report ? "Verify again" : "Verify and list resources"}</Button>}>
      <ErrorBox error={error} title="Verification refused:" />
      {report ? <ResourcesTable reports={[{ ...report, name: null }]} /> : !error && <p class="muted">Verify to see the resources this connector reaches now.</p>}
    </Card>
  );
}

type ClientConnector = Connector; // secrets in clear: the caller may use the connector

function ClientCard({ c, spec }: { c: Connector; spec?: ConnectorType }) {
  const [resourceType, setResourceType] = useState(c.resource_types[0] ?? "");
  const [resourceId, setResourceId] = useState(c.resource_id ?? "");
  const [client, setClient] = useState<ClientConnector | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const now = useNow(1000);
  const forms = spec?.resource_types.find((r) => r.resource_type === resourceType)?.resource_id_forms ?? [];
  const issue = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setClient(await get<ClientConnector>(`/service_connectors/${enc(c.id)}/client`, { resource_type: resourceType, resource_id: resourceId || undefined }));
    } catch (err) {
      setError(err);
      setClient(null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Client credentials">
      <form class="inline-form" onSubmit={issue}>
        <Field label="Resource type">
          {(id) => (
            <select id={id} class="input" value={resourceType} onChange={(e) => setResourceType((e.target as HTMLSelectElement).value)}>
              {c.resource_types.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          )}
        </Field>
        <Field label="Resource ID" hint={forms.length ? forms.join(" · ") : undefined}>
          {(id) => <TextInput id={id} name="client_resource_id" value={resourceId} onValue={setResourceId} placeholder={c.resource_id ?? "optional"} />}
        </Field>
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Issuing…" : "Get client credentials"}</button>
      </form>
      <ErrorBox error={error} title="Refused:" />
      {client && (
        <div class="client-result">
          <p>
            <strong>Short-lived client connector</strong> · auth method <code>{client.auth_method}</code>{" "}
            {client.expires_at ? (
              <>· expires in <strong class="countdown"><ExpiresIn iso={client.expires_at} now={now} /></strong></>
            ) : <span class="muted">· no expiry</span>}
          </p>
          <KeyValueTable rows={[
            ["Resource", `${client.resource_types.join(", ")} ${client.resource_id ?? ""}`],
            ...Object.entries(client.configuration).map(([k, v]): [string, preact.ComponentChildren] => [k, <span class="pre">{jsonText(v)}</span>]),
            ...Object.entries(client.secrets).map(([k, v]): [string, preact.ComponentChildren] => [k, <SecretValue value={v} />]),
          ]} />
        </div>
      )}
    </Card>
  );
}

function DeleteCard({ c }: { c: Connector }) {
  const { user } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (c.owner !== user.name && !user.admin) return null;
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await del(`/service_connectors/${enc(c.id)}`);
      navigate("/connectors");
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Card title="Danger zone" class="danger-zone">
      <ErrorBox error={error} title="Not deleted:" />
      <ConfirmButton label="Delete" confirmLabel={`Delete connector “${c.name}”?`} onConfirm={remove} busy={busy} />
    </Card>
  );
}

function EditConnector({ c, spec, onDone }: { c: Connector; spec?: ConnectorType; onDone: (changed: boolean) => void }) {
  const method = spec?.auth_methods.find((a) => a.auth_method === c.auth_method);
  const fields = method?.config_fields ?? [];
  const [name, setName] = useState(c.name);
  const [description, setDescription] = useState(c.description);
  const [values, setValues] = useState<Record<string, string>>(() => {
    const v: Record<string, string> = {};
    for (const f of fields) if (!f.secret) v[f.name] = fromValue(c.configuration[f.name] as Json | undefined);
    return v;
  });
  const [labels, setLabels] = useState<[string, string][]>(Object.entries(c.labels));
  const [sharing, setSharing] = useState<Sharing>(sharingOf(c));
  const [error, setError] = useState<{ message: string; field: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const configuration: Record<string, Json> = {};
    const secrets: Record<string, string> = {};
    const remove: string[] = [];
    for (const f of fields) {
      const text = values[f.name] ?? "";
      if (f.secret) {
        if (text !== "") secrets[f.name] = text; // empty: keep the stored secret
      } else if (text === "") {
        if (c.configuration[f.name] !== undefined) remove.push(f.name);
      } else if (fromValue(c.configuration[f.name] as Json | undefined) !== text) {
        configuration[f.name] = toValue(f, text);
      }
    }
    const labelBody: Record<string, string | null> = {};
    const kept = new Set<string>();
    for (const [k, v] of labels) if (k.trim()) { labelBody[k.trim()] = v; kept.add(k.trim()); }
    for (const k of Object.keys(c.labels)) if (!kept.has(k)) labelBody[k] = null;
    try {
      await put(`/service_connectors/${enc(c.id)}`, {
        ...(name !== c.name ? { name } : {}),
        description,
        configuration,
        secrets,
        ...(remove.length ? { remove_attrs: remove } : {}),
        labels: labelBody,
        ...sharingBody(sharing),
        version: c.version,
      });
      onDone(true);
    } catch (err) {
      const message = errorMessage(err);
      setError({ message, field: errorField(message, ["name", "description", "labels", ...fields.map((f) => f.name)]) });
      setBusy(false);
    }
  };
  const fe = (f: string) => (error && error.field === f ? error.message : undefined);
  return (
    <form onSubmit={save}>
      <Card title="Edit connector">
        <Field label="Name" error={fe("name")}>{(id) => <TextInput id={id} name="name" value={name} onValue={setName} />}</Field>
        <Field label="Description" error={fe("description")}>{(id) => <TextInput id={id} name="description" value={description} onValue={setDescription} />}</Field>
        <h3>Configuration <span class="muted small">(values merge; a secret left empty keeps its stored value, a new one replaces it)</span></h3>
        {fields.map((f) => (
          <SpecField key={f.name} spec={f} value={values[f.name] ?? ""} error={fe(f.name)} placeholder={f.secret && c.secrets[f.name] !== undefined ? "[HIDDEN] — type to replace" : undefined}
                     onValue={(v) => setValues({ ...values, [f.name]: v })} />
        ))}
        <LabelsEditor rows={labels} onRows={setLabels} error={fe("labels")} />
        <SharingPicker value={sharing} onValue={setSharing} />
        {error && !error.field && <ErrorBox error={error.message} />}
        {error && error.field && <div class="alert alert-error" role="alert">Check the field <code>{error.field}</code>: {error.message}</div>}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Saving…" : "Save changes"}</button>
          <Button kind="ghost" onClick={() => onDone(false)}>Cancel</Button>
        </div>
      </Card>
    </form>
  );
}
