// The dashboard's only way to the server: the public REST API under /api/v1, authenticated by
// the HttpOnly session cookie the browser holds (JS never sees a token). Every state-changing
// request carries the X-Latchkey-CSRF header, which a cross-site form cannot set.

export interface User {
  id: string;
  name: string;
  admin: boolean;
  service_account: boolean;
  active: boolean;
  created: string;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface Connector {
  id: string;
  name: string;
  connector_type: string;
  auth_method: string;
  resource_types: string[];
  resource_id: string | null;
  configuration: Record<string, Json>;
  secrets: Record<string, string>;
  labels: Record<string, string>;
  description: string;
  expiration_seconds: number | null;
  expires_at: string | null;
  expires_skew_tolerance: number | null;
  shared: boolean;
  shared_read_only: boolean;
  share_secrets?: boolean;
  supports_instances: boolean;
  secret_id: string | null;
  owner: string;
  version: number;
  created: string;
  updated: string;
}

export interface ResourceEntry {
  resource_type: string;
  resource_ids: string[] | null;
  error: string | null;
}

export interface ResourcesReport {
  id: string | null;
  name: string | null;
  connector_type: string;
  error: string | null;
  resources: ResourceEntry[];
}

export interface Page<T> {
  index: number;
  max_size: number;
  total_pages: number;
  total: number;
  items: T[];
}

export interface FieldSpec {
  name: string;
  type: string;
  secret: boolean;
  required: boolean;
  default: Json;
  title: string;
}

export interface AuthMethodSpec {
  name: string;
  auth_method: string;
  description: string;
  config_fields: FieldSpec[];
  min_expiration_seconds: number | null;
  default_expiration_seconds: number | null;
  max_expiration_seconds: number | null;
}

export interface ResourceTypeSpec {
  name: string;
  resource_type: string;
  emoji: string;
  description: string;
  auth_methods: string[];
  supports_instances: boolean;
  resource_id_forms: string[];
}

export interface ConnectorType {
  name: string;
  connector_type: string;
  emoji: string;
  description: string;
  resource_types: ResourceTypeSpec[];
  auth_methods: AuthMethodSpec[];
  supports_auto_configuration: boolean;
  local: boolean;
  remote: boolean;
}

export interface Secret {
  id: string;
  name: string;
  values: Record<string, string>;
  owner: string;
  shared: boolean;
  created: string;
  updated: string;
}

export interface Component {
  id: string;
  name: string;
  type: string;
  flavor: string;
  configuration: Record<string, string>;
  connector_id: string | null;
  connector_resource_id: string | null;
  owner: string;
  created: string;
  updated: string;
  resources?: ResourcesReport | null;
}

export interface Stack {
  id: string;
  name: string;
  components: Record<string, Component>;
  owner: string;
  created: string;
  updated: string;
}

export interface Flavor {
  type: string;
  name: string;
  config_class: string;
  description: string;
  attributes: { name: string; required: boolean; secret: boolean; description: string }[];
  connector_requirement: {
    connector_type: string | null;
    resource_type: string;
    resource_id_attr: string | null;
  } | null;
}

export interface Token {
  id: string;
  user_id: string;
  name: string;
  created: string;
  expires_at: string | null;
  revoked: boolean;
}

export interface IssuedToken {
  token: string;
  id: string;
  name: string;
  expires_at: string | null;
}

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

// Listeners told when the server answers 401 (the session ended): the app shows sign-in.
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

export async function api<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") headers["X-Latchkey-CSRF"] = "1";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(withQuery("/api/v1" + path, query), {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "The server could not be reached.");
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    if (res.status === 401 && path !== "/session") unauthorizedListeners.forEach((fn) => fn());
    throw new ApiError(res.status, err?.code ?? "http_" + res.status,
                       err?.message ?? `The server answered HTTP ${res.status}.`);
  }
  return data as T;
}

export const get = <T>(path: string, query?: Query) => api<T>("GET", path, undefined, query);
export const post = <T>(path: string, body?: unknown, query?: Query) => api<T>("POST", path, body ?? {}, query);
export const put = <T>(path: string, body?: unknown, query?: Query) => api<T>("PUT", path, body ?? {}, query);
export const del = <T>(path: string, query?: Query) => api<T>("DELETE", path, undefined, query);

export const enc = encodeURIComponent;

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export const COMPONENT_TYPES = ["artifact_store", "container_registry", "orchestrator"] as const;
