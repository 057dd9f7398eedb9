// Connectors list with the CLI's columns; filtering, sorting and paging happen on the server
// (name=contains:TEXT, sort_by=asc:|desc:FIELD, page, size) so it stays fast at 10,000 rows.
// The filters live in the URL so a filtered view can be shared or reloaded.
import { useEffect, useState } from "preact/hooks";
import { enc, get, type Connector, type Page } from "../api";
import { Link, setQuery, useLocation } from "../router";
import { Badge, Empty, ExpiresIn, Labels, Loaded, PageHeader, Pager, useAsync, useNow } from "../ui";
import { loadTypes } from "./types";

const SORTABLE: [string, string][] = [["name", "NAME"], ["connector_type", "TYPE"]];

export function resourceName(c: Connector): string {
  if (c.resource_id) return c.resource_id;
  if (c.supports_instances || c.resource_types.length > 1) return "<multiple>";
  return "";
}

export function ConnectorsList() {
  const loc = useLocation();
  const q = loc.query.get("q") ?? "";
  const type = loc.query.get("type") ?? "";
  const sort = loc.query.get("sort") ?? "";
  const page = Math.max(1, Number(loc.query.get("page") ?? "1") || 1);
  const size = Number(loc.query.get("size") ?? "25") || 25;
  const [search, setSearch] = useState(q);
  const types = useAsync(loadTypes, []);
  const now = useNow(5000);

  // Debounced: the server is asked once typing pauses.
  useEffect(() => {
    if (search === q) return;
    const t = setTimeout(() => setQuery({ q: search, page: undefined }), 250);
    return () => clearTimeout(t);
  }, [search]);

  const state = useAsync(
    () => get<Page<Connector>>("/service_connectors", {
      page, size,
      name: q ? `contains:${q}` : undefined,
      connector_type: type || undefined,
      sort_by: sort || undefined,
    }),
    [q, type, sort, page, size],
  );

  // A performance mark when the first page of rows is on screen: bench/dashboard_load reads it.
  useEffect(() => {
    if (state.data && !state.loading && performance.getEntriesByName("lk:connectors-list-ready").length === 0) {
      requestAnimationFrame(() => performance.mark("lk:connectors-list-ready"));
    }
  }, [state.data, state.loading]);

  const sortHeader = (field: string, label: string) => {
    const dir = sort === `asc:${field}` ? "ascending" : sort === `desc:${field}` ? "descending" : "none";
    const next = dir === "ascending" ? `desc:${field}` : `asc:${field}`;
    return (
      <th scope="col" aria-sort={dir} key={field}>
        <button type="button" class="sort-btn" onClick={() => setQuery({ sort: next, page: undefined })}>
          {label} <span aria-hidden="true">{dir === "ascending" ? "▲" : dir === "descending" ? "▼" : "↕"}</span>
        </button>
      </th>
    );
  };

  return (
    <>
      <PageHeader title="Connectors" sub="Service connectors you own or that are shared with you."
                  actions={<Link class="btn btn-primary" href="/connectors/new">Register a connector</Link>} />
      <div class="toolbar" role="search">
        <label class="visually-hidden" for="connector-search">Search connectors by name</label>
        <input id="connector-search" class="input search" type="search" placeholder="Search by name…" value={search}
               onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        <label class="visually-hidden" for="connector-type-filter">Connector type</label>
        <select id="connector-type-filter" class="input" value={type} onChange={(e) => setQuery({ type: (e.target as HTMLSelectElement).value, page: undefined })}>
          <option value="">All types</option>
          {(types.data ?? []).map((t) => <option key={t.connector_type} value={t.connector_type}>{t.emoji} {t.name}</option>)}
        </select>
        <label class="visually-hidden" for="page-size">Rows per page</label>
        <select id="page-size" class="input narrow" value={String(size)} onChange={(e) => setQuery({ size: (e.target as HTMLSelectElement).value, page: undefined })}>
          {[10, 25, 50, 100].map((n) => <option key={n} value={String(n)}>{n} / page</option>)}
        </select>
        {state.loading && <span class="spinner small" role="status" aria-label="Loading" />}
      </div>
      <Loaded state={state}>
        {(p) => (
          <>
            {p.items.length === 0 ? (
              <Empty>{q || type ? "No connector matches these filters." : <>No connectors yet. <Link href="/connectors/new">Register one</Link>.</>}</Empty>
            ) : (
              <div class="table-wrap">
                <table class="table connectors-table" aria-busy={state.loading ? "true" : "false"}>
                  <thead>
                    <tr>
                      {sortHeader(...SORTABLE[0])}
                      {sortHeader(...SORTABLE[1])}
                      <th scope="col">RESOURCE TYPES</th>
                      <th scope="col">RESOURCE NAME</th>
                      <th scope="col">OWNER</th>
                      <th scope="col">SHARED</th>
                      <th scope="col">EXPIRES IN</th>
                      <th scope="col">LABELS</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.items.map((c) => (
                      <tr key={c.id}>
                        <td data-label="NAME"><Link href={`/connectors/${enc(c.id)}`}>{c.name}</Link></td>
                        <td data-label="TYPE">{c.connector_type}</td>
                        <td data-label="RESOURCE TYPES">{c.resource_types.join(", ")}</td>
                        <td data-label="RESOURCE NAME">{resourceName(c)}</td>
                        <td data-label="OWNER">{c.owner}</td>
                        <td data-label="SHARED">{c.shared ? (c.shared_read_only ? <Badge kind="info">read-only</Badge> : <Badge kind="ok">✔</Badge>) : <span class="muted">—</span>}</td>
                        <td data-label="EXPIRES IN"><ExpiresIn iso={c.expires_at} now={now} /></td>
                        <td data-label="LABELS"><Labels labels={c.labels} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <Pager index={p.index} totalPages={p.total_pages} total={p.total} onPage={(n) => setQuery({ page: n })} />
          </>
        )}
      </Loaded>
    </>
  );
}
