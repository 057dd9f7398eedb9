// Connector type catalogue (as `service-connector list-types`) and one type's documentation
// (as `describe-type`).
import { enc, get, type AuthMethodSpec, type ConnectorType } from "../api";
import { Link } from "../router";
import { Badge, Card, Empty, formatDuration, Loaded, PageHeader, useAsync } from "../ui";

let typesCache: Promise<ConnectorType[]> | null = null;
export function loadTypes(): Promise<ConnectorType[]> {
  if (!typesCache) {
    typesCache = get<ConnectorType[]>("/service_connector_types");
    typesCache.catch(() => (typesCache = null));
  }
  return typesCache;
}

export function TypesList() {
  const state = useAsync(loadTypes, []);
  return (
    <>
      <PageHeader title="Connector types" sub="What Latchkey can connect to, and how it authenticates."
                  actions={<Link class="btn btn-primary" href="/connectors/new">Register a connector</Link>} />
      <Loaded state={state}>
        {(types) =>
          types.length === 0 ? <Empty>No connector types.</Empty> : (
            <div class="grid cards">
              {types.map((t) => (
                <Link key={t.connector_type} href={`/types/${enc(t.connector_type)}`} class="card type-card">
                  <div class="type-title">
                    <span class="emoji" aria-hidden="true">{t.emoji}</span>
                    <div>
                      <h2>{t.name}</h2>
                      <code>{t.connector_type}</code>
                    </div>
                  </div>
                  <div class="type-section">
                    <span class="label">Resource types</span>
                    <ul class="plain">
                      {t.resource_types.map((r) => (
                        <li key={r.resource_type}>
                          <span aria-hidden="true">{r.emoji}</span> {r.resource_type}
                        </li>
                      ))}
                    </ul>
                  </div>
                  <div class="type-section">
                    <span class="label">Auth methods</span>
                    <div class="chips">
                      {t.auth_methods.map((a) => (
                        <span class="chip" key={a.auth_method}>{a.auth_method}</span>
                      ))}
                    </div>
                  </div>
                  <div class="type-flags">
                    {t.local && <Badge>local</Badge>}
                    {t.remote && <Badge>remote</Badge>}
                  </div>
                </Link>
              ))}
            </div>
          )
        }
      </Loaded>
    </>
  );
}

function bounds(a: AuthMethodSpec): string | null {
  if (a.min_expiration_seconds == null && a.max_expiration_seconds == null && a.default_expiration_seconds == null) return null;
  const f = (v: number | null) => (v == null ? "—" : `${formatDuration(v)} (${v}s)`);
  return `min ${f(a.min_expiration_seconds)}, default ${f(a.default_expiration_seconds)}, max ${f(a.max_expiration_seconds)}`;
}

export function TypePage({ type }: { type: string }) {
  const state = useAsync(() => get<ConnectorType>(`/service_connector_types/${enc(type)}`), [type]);
  return (
    <Loaded state={state}>
      {(t) => (
        <>
          <PageHeader title={<><span aria-hidden="true">{t.emoji}</span> {t.name}</>}
                      sub={<code>{t.connector_type}</code>}
                      actions={<Link class="btn btn-primary" href={`/connectors/new?type=${enc(t.connector_type)}`}>Register a {t.name}</Link>} />
          <p class="prose">{t.description}</p>
          <h2 class="section-title">Resource types</h2>
          <div class="stack">
            {t.resource_types.map((r) => (
              <Card key={r.resource_type} title={<><span aria-hidden="true">{r.emoji}</span> {r.name} <code>{r.resource_type}</code></>}>
                <p class="prose">{r.description}</p>
                <p>
                  <span class="label">Auth methods: </span>
                  {r.auth_methods.map((a) => <span class="chip" key={a}>{a}</span>)}
                </p>
                <p>
                  <span class="label">Multiple instances: </span>
                  {r.supports_instances ? "yes (one connector can reach many)" : "no"}
                </p>
                {r.resource_id_forms.length > 0 && (
                  <div>
                    <span class="label">Resource ID formats</span>
                    <ul>
                      {r.resource_id_forms.map((f) => <li key={f}><code>{f}</code></li>)}
                    </ul>
                  </div>
                )}
              </Card>
            ))}
          </div>
          <h2 class="section-title">Auth methods</h2>
          <div class="stack">
            {t.auth_methods.map((a) => (
              <Card key={a.auth_method} title={<>{a.name} <code>{a.auth_method}</code></>}>
                <p class="prose">{a.description}</p>
                {bounds(a) && <p><span class="label">Expiration: </span>{bounds(a)}</p>}
                {a.config_fields.length === 0 ? <Empty>No fields.</Empty> : (
                  <div class="table-wrap">
                    <table class="table">
                      <thead>
                        <tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Secret</th><th scope="col">Required</th><th scope="col">Description</th></tr>
                      </thead>
                      <tbody>
                        {a.config_fields.map((f) => (
                          <tr key={f.name}>
                            <td><code>{f.name}</code> <span class="muted">{`{${f.type}${f.secret ? ", secret" : ""}${f.required ? ", required" : ""}}`}</span></td>
                            <td>{f.type}</td>
                            <td>{f.secret ? "yes" : "no"}</td>
                            <td>{f.required ? "yes" : "no"}</td>
                            <td>{f.title}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </Card>
            ))}
          </div>
        </>
      )}
    </Loaded>
  );
}
