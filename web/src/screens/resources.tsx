// Resources explorer: what every visible connector reaches, filtered by connector type and
// resource type, error rows included.
import { get, type ResourcesReport } from "../api";
import { setQuery, useLocation } from "../router";
import { Loaded, PageHeader, ResourcesTable, useAsync } from "../ui";
import { loadTypes } from "./types";

export function ResourcesExplorer() {
  const loc = useLocation();
  const ctype = loc.query.get("connector_type") ?? "";
  const rtype = loc.query.get("resource_type") ?? "";
  const types = useAsync(loadTypes, []);
  const state = useAsync(() => get<ResourcesReport[]>("/service_connectors/resources", { connector_type: ctype, resource_type: rtype }), [ctype, rtype]);
  const resourceTypes = [...new Set((types.data ?? []).filter((t) => !ctype || t.connector_type === ctype).flatMap((t) => t.resource_types.map((r) => r.resource_type)))];
  return (
    <>
      <PageHeader title="Resources" sub="Every resource your connectors reach right now (each connector is asked live)." />
      <div class="toolbar">
        <label for="res-ctype">Connector type</label>
        <select id="res-ctype" class="input" value={ctype} onChange={(e) => setQuery({ connector_type: (e.target as HTMLSelectElement).value, resource_type: undefined })}>
          <option value="">All</option>
          {(types.data ?? []).map((t) => <option key={t.connector_type} value={t.connector_type}>{t.emoji} {t.name}</option>)}
        </select>
        <label for="res-rtype">Resource type</label>
        <select id="res-rtype" class="input" value={rtype} onChange={(e) => setQuery({ resource_type: (e.target as HTMLSelectElement).value })}>
          <option value="">All</option>
          {resourceTypes.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
        {state.loading && <span class="spinner small" role="status" aria-label="Loading" />}
      </div>
      <Loaded state={state}>{(reports) => <ResourcesTable reports={reports.map((r) => ({ ...r, name: r.name ?? r.id ?? "" }))} />}</Loaded>
    </>
  );
}
