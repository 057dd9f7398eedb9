// Shared building blocks: data loading, page frame, tables, form fields, error display,
// time formatting in the user's locale. All user-controlled strings are JSX text nodes.
import type { ComponentChildren, JSX } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, errorMessage, get, type Json, type Page, type Query } from "./api";

export interface Async<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

// Loads data when deps change; keeps the previous data while reloading so tables do not jump.
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ data: s.data, loading: true }));
    fn().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (error: Error) => mine === seq.current && setState({ error, loading: false }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

// One page of a list route at a time (the server filters and pages; see api_lists.h), with the
// page number in state and a Pager under the list when there is more than one page.
export function usePagedList<T>(path: string, query: Query = {}, size = 50) {
  const [page, setPage] = useState(1);
  const key = JSON.stringify(query);
  const state = useAsync(() => get<Page<T>>(path, { ...query, page, size }), [path, key, page, size]);
  const pager = state.data && state.data.total_pages > 1
    ? <Pager index={state.data.index} totalPages={state.data.total_pages} total={state.data.total} onPage={setPage} />
    : null;
  return { state, pager, setPage };
}

export function PageHeader({ title, sub, actions }: { title: ComponentChildren; sub?: ComponentChildren; actions?: ComponentChildren }) {
  useEffect(() => {
    if (typeof title === "string") document.title = `${title} · Latchkey`;
  }, [title]);
  return (
    <header class="page-header">
      <div>
        <h1>{title}</h1>
        {sub && <p class="sub">{sub}</p>}
      </div>
      {actions && <div class="actions">{actions}</div>}
    </header>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div class="loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div class="alert alert-error" role="alert">
      {title && <strong>{title} </strong>}
      {errorMessage(error)}
    </div>
  );
}

export function Notice({ children, kind = "ok" }: { children: ComponentChildren; kind?: "ok" | "warn" }) {
  return (
    <div class={`alert alert-${kind}`} role="status">
      {children}
    </div>
  );
}

// Shows async state: spinner the first time, error, or the content.
export function Loaded<T>({ state, children }: { state: Async<T>; children: (data: T) => ComponentChildren }) {
  if (state.error && state.data === undefined) return <ErrorBox error={state.error} />;
  if (state.data === undefined) return <Loading />;
  return (
    <>
      {state.error && <ErrorBox error={state.error} />}
      {children(state.data)}
    </>
  );
}

export function Card({ title, children, actions, class: cls }: { title?: ComponentChildren; children: ComponentChildren; actions?: ComponentChildren; class?: string }) {
  return (
    <section class={"card " + (cls ?? "")}>
      {(title || actions) && (
        <div class="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div class="actions">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

let idCounter = 0;
export function useId(prefix = "f"): string {
  const ref = useRef<string>();
  if (!ref.current) ref.current = `${prefix}-${++idCounter}`;
  return ref.current;
}

// A labelled form row: the label, the control, help text and a server error for this field.
export function Field({ label, hint, error, children, id, required }: { label: ComponentChildren; hint?: ComponentChildren; error?: string; children: (id: string) => ComponentChildren; id?: string; required?: boolean }) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <div class={"field" + (error ? " has-error" : "")}>
      <label for={fid}>
        {label}
        {required && <span class="req" aria-label="required"> *</span>}
      </label>
      {children(fid)}
      {hint && <div class="hint">{hint}</div>}
      {error && (
        <div class="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

type InputProps = JSX.InputHTMLAttributes<HTMLInputElement>;
export function TextInput(props: InputProps & { onValue: (v: string) => void; value: string }) {
  const { onValue, ...rest } = props;
  return <input class="input" {...rest} onInput={(e) => onValue((e.target as HTMLInputElement).value)} />;
}

export function Button(props: JSX.ButtonHTMLAttributes<HTMLButtonElement> & { kind?: "primary" | "danger" | "ghost" | "default"; busy?: boolean }) {
  const { kind = "default", busy, children, disabled, ...rest } = props;
  return (
    <button type="button" class={`btn btn-${kind}`} disabled={disabled || busy} aria-busy={busy ? "true" : undefined} {...rest}>
      {busy && <span class="spinner small" aria-hidden="true" />}
      {children}
    </button>
  );
}

const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">—</span>;
  const d = new Date(iso);
  if (isNaN(d.getTime())) return <span>{iso}</span>;
  return <time dateTime={iso} title={d.toString()}>{dateFmt.format(d)}</time>;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  if (d) return `${d}d${h}h`;
  if (h) return `${h}h${m}m`;
  if (m) return `${m}m${r}s`;
  return `${r}s`;
}

// Re-renders every second: countdowns.
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

export function ExpiresIn({ iso, now }: { iso: string | null; now?: number }) {
  if (!iso) return <span class="muted">—</span>;
  const left = (new Date(iso).getTime() - (now ?? Date.now())) / 1000;
  if (left <= 0) return <span class="badge badge-danger">Expired!</span>;
  return <span title={new Date(iso).toString()}>{formatDuration(left)}</span>;
}

export function Badge({ children, kind = "neutral" }: { children: ComponentChildren; kind?: string }) {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}

export function Labels({ labels }: { labels: Record<string, string> }) {
  const entries = Object.entries(labels ?? {});
  if (!entries.length) return <span class="muted">—</span>;
  return (
    <span class="labels">
      {entries.map(([k, v]) => (
        <span class="chip" key={k}>
          {k}
          {v !== "" && "="}
          {v}
        </span>
      ))}
    </span>
  );
}

export function jsonText(v: Json): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

// A secret value: masked until revealed (the value is already in memory only when the caller
// asked the server for it).
export function SecretValue({ value }: { value: string }) {
  const [shown, setShown] = useState(false);
  if (value === "[HIDDEN]") return <code class="hidden-secret">[HIDDEN]</code>;
  return (
    <span class="secret">
      <code>{shown ? value : "••••••••"}</code>
      <button type="button" class="btn btn-ghost btn-xs" onClick={() => setShown(!shown)} aria-pressed={shown}>
        {shown ? "Hide" : "Show"}
      </button>
    </span>
  );
}

export function KeyValueTable({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="kv">
      {rows.map(([k, v]) => (
        <div class="kv-row" key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ConfirmButton({ label, confirmLabel, onConfirm, busy }: { label: string; confirmLabel: string; onConfirm: () => void; busy?: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking) return <Button kind="danger" onClick={() => setAsking(true)}>{label}</Button>;
  return (
    <span class="confirm" role="group" aria-label="Confirm">
      <span>{confirmLabel}</span>
      <Button kind="danger" busy={busy} onClick={() => { onConfirm(); setAsking(false); }}>Yes, {label.toLowerCase()}</Button>
      <Button kind="ghost" onClick={() => setAsking(false)}>Cancel</Button>
    </span>
  );
}

export function Pager({ index, totalPages, total, onPage }: { index: number; totalPages: number; total: number; onPage: (p: number) => void }) {
  return (
    <nav class="pager" aria-label="Pages">
      <span class="muted">
        {total} total · page {Math.min(index, Math.max(1, totalPages))} of {Math.max(1, totalPages)}
      </span>
      <Button onClick={() => onPage(1)} disabled={index <= 1}>« First</Button>
      <Button onClick={() => onPage(index - 1)} disabled={index <= 1}>‹ Prev</Button>
      <Button onClick={() => onPage(index + 1)} disabled={index >= totalPages}>Next ›</Button>
      <Button onClick={() => onPage(totalPages)} disabled={index >= totalPages}>Last »</Button>
    </nav>
  );
}

// A resources report table with one row per resource type, 💥 rows for errors.
export function ResourcesTable({ reports }: { reports: { id?: string | null; name?: string | null; connector_type: string; error: string | null; resources: { resource_type: string; resource_ids: string[] | null; error: string | null }[] }[] }) {
  if (!reports.length) return <Empty>No resources.</Empty>;
  const showConnector = reports.some((r) => r.name);
  return (
    <div class="table-wrap">
      <table class="table resources-table">
        <thead>
          <tr>
            {showConnector && <th scope="col">CONNECTOR</th>}
            <th scope="col">TYPE</th>
            <th scope="col">RESOURCE TYPE</th>
            <th scope="col">RESOURCE NAMES</th>
          </tr>
        </thead>
        <tbody>
          {reports.flatMap((r, i) => {
            const rows = r.resources.length ? r.resources : [{ resource_type: "", resource_ids: null, error: r.error }];
            return rows.map((res, j) => (
              <tr key={`${i}-${j}`} class={res.error || (r.error && !res.resource_ids) ? "error-row" : ""}>
                {showConnector && <td>{r.name ?? ""}</td>}
                <td>{r.connector_type}</td>
                <td>{res.resource_type}</td>
                <td>
                  {res.error || (!res.resource_ids && r.error) ? (
                    <span class="err-text">💥 error: {res.error ?? r.error}</span>
                  ) : (
                    <ul class="plain">
                      {(res.resource_ids ?? []).map((id) => (
                        <li key={id}>{id}</li>
                      ))}
                      {(res.resource_ids ?? []).length === 0 && <li class="muted">none</li>}
                    </ul>
                  )}
                </td>
              </tr>
            ));
          })}
        </tbody>
      </table>
    </div>
  );
}
