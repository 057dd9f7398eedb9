// Register a connector: a form generated from the type spec in the CLI wizard's order (type,
// resource types, auth method, fields, labels, description, expiration, sharing). Verify calls
// the unsaved verification endpoint; Save registers (the server verifies again).
import { useMemo, useState } from "preact/hooks";
import { errorMessage, post, type Connector, type ConnectorType, type ResourcesReport } from "../api";
import { Link, navigate, useLocation } from "../router";
import { Button, Card, ErrorBox, Field, Loaded, Notice, PageHeader, ResourcesTable, TextInput, useAsync } from "../ui";
import { errorField, LabelsEditor, SharingPicker, sharingBody, SpecField, splitValues, type Sharing } from "./fields";
import { loadTypes } from "./types";

export function RegisterConnector() {
  const loc = useLocation();
  const types = useAsync(loadTypes, []);
  return (
    <>
      <PageHeader title="Register a connector" sub="Auto-configuration from local credentials is a CLI feature; here you enter the values." />
      <Loaded state={types}>{(ts) => <RegisterForm types={ts} initialType={loc.query.get("type") ?? ""} />}</Loaded>
    </>
  );
}

function RegisterForm({ types, initialType }: { types: ConnectorType[]; initialType: string }) {
  const [typeName, setTypeName] = useState(types.some((t) => t.connector_type === initialType) ? initialType : "");
  const spec = types.find((t) => t.connector_type === typeName);
  const [resourceTypes, setResourceTypes] = useState<string[]>([]);
  const [authMethod, setAuthMethod] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [resourceId, setResourceId] = useState("");
  const [labels, setLabels] = useState<[string, string][]>([]);
  const [expiration, setExpiration] = useState("");
  const [sharing, setSharing] = useState<Sharing>("private");
  const [busy, setBusy] = useState<"" | "verify" | "save">("");
  const [error, setError] = useState<{ message: string; field: string } | null>(null);
  const [report, setReport] = useState<ResourcesReport | null>(null);

  const chooseType = (t: string) => {
    setTypeName(t);
    const s = types.find((x) => x.connector_type === t);
    setResourceTypes(s && s.resource_types.length === 1 ? [s.resource_types[0].resource_type] : []);
    setAuthMethod(s && s.auth_methods.length === 1 ? s.auth_methods[0].auth_method : "");
    setValues({});
    setReport(null);
    setError(null);
  };
  if (spec && resourceTypes.length === 0 && spec.resource_types.length === 1) setResourceTypes([spec.resource_types[0].resource_type]);

  // Auth methods offered by every chosen resource type (all of the type's when none chosen).
  const methods = useMemo(() => {
    if (!spec) return [];
    const chosen = spec.resource_types.filter((r) => resourceTypes.includes(r.resource_type));
    return spec.auth_methods.filter((a) => chosen.every((r) => r.auth_methods.includes(a.auth_method)));
  }, [spec, resourceTypes]);
  const method = methods.find((m) => m.auth_method === authMethod);
  const singleType = resourceTypes.length === 1 ? spec?.resource_types.find((r) => r.resource_type === resourceTypes[0]) : undefined;
  const fieldNames = ["name", "description", "resource_id", "resource_types", "auth_method", "expiration_seconds", "labels", ...(method?.config_fields.map((f) => f.name) ?? [])];

  const body = () => {
    const { configuration, secrets } = splitValues(method?.config_fields ?? [], values);
    const labelMap: Record<string, string> = {};
    for (const [k, v] of labels) if (k.trim()) labelMap[k.trim()] = v;
    return {
      name,
      connector_type: typeName,
      auth_method: authMethod,
      resource_types: resourceTypes,
      ...(resourceId.trim() ? { resource_id: resourceId.trim() } : {}),
      configuration,
      secrets,
      labels: labelMap,
      description,
      ...(expiration.trim() ? { expiration_seconds: Number(expiration) } : {}),
      ...sharingBody(sharing),
    };
  };

  const fail = (e: unknown) => {
    const message = errorMessage(e);
    setError({ message, field: errorField(message, fieldNames) });
  };

  const verify = async () => {
    setBusy("verify");
    setError(null);
    setReport(null);
    try {
      const { name: _n, ...draft } = body();
      void _n;
      setReport(await post<ResourcesReport>("/service_connectors/verify", { ...draft, name: name || "draft" }));
    } catch (e) {
      fail(e);
    } finally {
      setBusy("");
    }
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy("save");
    setError(null);
    try {
      const saved = await post<Connector & { resources: ResourcesReport | null }>("/service_connectors", body());
      navigate(`/connectors/${encodeURIComponent(saved.id)}?registered=1`);
    } catch (err) {
      fail(err);
      setBusy("");
    }
  };

  const fe = (f: string) => (error && error.field === f ? error.message : undefined);

  return (
    <form class="form-grid" onSubmit={save} noValidate>
      <Card title="1. Connector type">
        <div class="choice-grid" role="radiogroup" aria-label="Connector type">
          {types.map((t) => (
            <label key={t.connector_type} class={"choice" + (t.connector_type === typeName ? " selected" : "")}>
              <input type="radio" name="connector_type" value={t.connector_type} checked={t.connector_type === typeName} onChange={() => chooseType(t.connector_type)} />
              <span class="emoji" aria-hidden="true">{t.emoji}</span>
              <span>{t.name}</span>
            </label>
          ))}
        </div>
      </Card>
      {spec && (
        <Card title="2. Resource types">
          <p class="muted">Choose one resource type, or several for a multi-type connector.</p>
          <div class="choice-list">
            {spec.resource_types.map((r) => (
              <label key={r.resource_type} class="check">
                <input type="checkbox" name="resource_types" value={r.resource_type} checked={resourceTypes.includes(r.resource_type)}
                       onChange={(e) => {
                         const on = (e.target as HTMLInputElement).checked;
                         setResourceTypes(on ? [...resourceTypes, r.resource_type] : resourceTypes.filter((x) => x !== r.resource_type));
                         setReport(null);
                       }} />
                <span aria-hidden="true">{r.emoji}</span> <strong>{r.name}</strong> <code>{r.resource_type}</code>
              </label>
            ))}
          </div>
          {fe("resource_types") && <div class="field-error" role="alert">{fe("resource_types")}</div>}
          {singleType?.supports_instances && (
            <Field label="Resource ID (optional)" hint={singleType.resource_id_forms.length ? `Formats: ${singleType.resource_id_forms.join(" · ")}` : "Leave empty for a connector that reaches every instance."} error={fe("resource_id")}>
              {(id) => <TextInput id={id} name="resource_id" value={resourceId} onValue={setResourceId} />}
            </Field>
          )}
        </Card>
      )}
      {spec && resourceTypes.length > 0 && (
        <Card title="3. Auth method">
          <Field label="Auth method" required error={fe("auth_method")}>
            {(id) => (
              <select id={id} name="auth_method" class="input" value={authMethod} onChange={(e) => { setAuthMethod((e.target as HTMLSelectElement).value); setReport(null); }}>
                <option value="">Choose…</option>
                {methods.map((m) => <option key={m.auth_method} value={m.auth_method}>{m.name} ({m.auth_method})</option>)}
              </select>
            )}
          </Field>
          {method && <p class="prose muted">{method.description}</p>}
        </Card>
      )}
      {method && (
        <Card title="4. Configuration">
          {method.config_fields.length === 0 && <p class="muted">This auth method needs no values.</p>}
          {method.config_fields.map((f) => (
            <SpecField key={f.name} spec={f} value={values[f.name] ?? ""} error={fe(f.name)}
                       onValue={(v) => { setValues({ ...values, [f.name]: v }); setReport(null); }} />
          ))}
        </Card>
      )}
      {method && (
        <Card title="5. Name, labels and sharing">
          <Field label="Name" required error={fe("name")}>
            {(id) => <TextInput id={id} name="name" value={name} onValue={setName} autoComplete="off" />}
          </Field>
          <Field label="Description" error={fe("description")}>
            {(id) => <TextInput id={id} name="description" value={description} onValue={setDescription} />}
          </Field>
          <LabelsEditor rows={labels} onRows={setLabels} error={fe("labels")} />
          {(method.min_expiration_seconds != null || method.max_expiration_seconds != null || method.default_expiration_seconds != null) && (
            <Field label="Expiration (seconds)" error={fe("expiration_seconds")}
                   hint={`Between ${method.min_expiration_seconds ?? "—"} and ${method.max_expiration_seconds ?? "—"}; default ${method.default_expiration_seconds ?? "—"}.`}>
              {(id) => <TextInput id={id} name="expiration_seconds" type="number" value={expiration} onValue={setExpiration} />}
            </Field>
          )}
          <SharingPicker value={sharing} onValue={setSharing} />
        </Card>
      )}
      {error && !error.field && <ErrorBox error={error.message} />}
      {error && error.field && <div class="alert alert-error" role="alert">Check the field <code>{error.field}</code>: {error.message}</div>}
      {report && (
        <Card title="Verification">
          {report.error ? <div class="alert alert-error" role="alert">💥 {report.error}</div> : <Notice>Verified: these are the resources this connector reaches.</Notice>}
          <ResourcesTable reports={[{ ...report, name: null }]} />
        </Card>
      )}
      <div class="form-actions">
        <Button onClick={verify} busy={busy === "verify"} disabled={!method || busy !== ""}>Verify</Button>
        <button type="submit" class="btn btn-primary" disabled={!method || busy !== ""}>{busy === "save" ? "Saving…" : "Save"}</button>
        <Link href="/connectors" class="btn btn-ghost">Cancel</Link>
      </div>
    </form>
  );
}
