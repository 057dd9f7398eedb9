// Form controls generated from a connector type's field spec (shared by register and edit).
import { useState } from "preact/hooks";
import type { FieldSpec, Json } from "../api";
import { Field } from "../ui";

// The form keeps every value as text; ToValue converts it to the field's JSON type.
export function toValue(spec: FieldSpec, text: string): Json {
  switch (spec.type) {
    case "integer": {
      const n = Number(text);
      return Number.isInteger(n) && text.trim() !== "" ? n : text;
    }
    case "boolean":
      return text === "true";
    case "list":
      return text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
    default:
      return text;
  }
}

export function fromValue(v: Json | undefined): string {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join("\n");
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

// Splits form values into the API's configuration (typed) and secrets (strings); empty values
// are left out so the server's defaults and "required" checks apply.
export function splitValues(fields: FieldSpec[], values: Record<string, string>) {
  const configuration: Record<string, Json> = {};
  const secrets: Record<string, string> = {};
  for (const f of fields) {
    const text = values[f.name];
    if (text === undefined || text === "") continue;
    if (f.secret) secrets[f.name] = text;
    else configuration[f.name] = toValue(f, text);
  }
  return { configuration, secrets };
}

export function SpecField({ spec, value, onValue, error, placeholder }: { spec: FieldSpec; value: string; onValue: (v: string) => void; error?: string; placeholder?: string }) {
  const [fileError, setFileError] = useState("");
  const readFile = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    if (file.size > 256 * 1024) {
      setFileError("That file is larger than 256 KB.");
      return;
    }
    setFileError("");
    onValue(await file.text());
  };
  const label = (
    <>
      <code>{spec.name}</code> <span class="muted">{spec.title}</span>
    </>
  );
  const hint = `${spec.type}${spec.secret ? ", secret" : ""}${spec.default !== null && spec.default !== undefined ? `, default ${fromValue(spec.default)}` : ""}`;
  return (
    <Field label={label} hint={hint} error={error || fileError} required={spec.required} id={`field-${spec.name}`}>
      {(id) => {
        if (spec.type === "boolean") {
          return (
            <select id={id} name={spec.name} class="input" value={value} onChange={(e) => onValue((e.target as HTMLSelectElement).value)}>
              <option value="">(default)</option>
              <option value="true">true</option>
              <option value="false">false</option>
            </select>
          );
        }
        const multiline = spec.type === "list" || value.includes("\n");
        return (
          <div class="with-file">
            {multiline && !spec.secret ? (
              <textarea id={id} name={spec.name} class="input" rows={3} value={value} placeholder={placeholder ?? (spec.type === "list" ? "one per line" : "")}
                        onInput={(e) => onValue((e.target as HTMLTextAreaElement).value)} />
            ) : (
              <input id={id} name={spec.name} class="input" type={spec.secret ? "password" : spec.type === "integer" ? "number" : "text"}
                     autoComplete={spec.secret ? "new-password" : "off"} value={value} placeholder={placeholder}
                     onInput={(e) => onValue((e.target as HTMLInputElement).value)} />
            )}
            {spec.type === "string" && (
              <label class="btn btn-ghost file-btn">
                From file…
                <input type="file" class="visually-hidden" aria-label={`Load ${spec.name} from a file`} onChange={readFile} />
              </label>
            )}
          </div>
        );
      }}
    </Field>
  );
}

// Labels as editable key=value rows.
export function LabelsEditor({ rows, onRows, error }: { rows: [string, string][]; onRows: (r: [string, string][]) => void; error?: string }) {
  const set = (i: number, j: 0 | 1, v: string) => {
    const next = rows.map((r) => [...r] as [string, string]);
    next[i][j] = v;
    onRows(next);
  };
  return (
    <fieldset class="field">
      <legend>Labels</legend>
      {rows.map(([k, v], i) => (
        <div class="label-row" key={i}>
          <input class="input" aria-label={`Label ${i + 1} key`} placeholder="key" value={k} onInput={(e) => set(i, 0, (e.target as HTMLInputElement).value)} />
          <span aria-hidden="true">=</span>
          <input class="input" aria-label={`Label ${i + 1} value`} placeholder="value" value={v} onInput={(e) => set(i, 1, (e.target as HTMLInputElement).value)} />
          <button type="button" class="btn btn-ghost" aria-label={`Remove label ${i + 1}`} onClick={() => onRows(rows.filter((_, j) => j !== i))}>✕</button>
        </div>
      ))}
      <button type="button" class="btn btn-ghost" onClick={() => onRows([...rows, ["", ""]])}>+ Add label</button>
      {error && <div class="field-error" role="alert">{error}</div>}
    </fieldset>
  );
}

export type Sharing = "private" | "shared" | "share_secrets" | "read_only";

export function SharingPicker({ value, onValue }: { value: Sharing; onValue: (s: Sharing) => void }) {
  const opts: [Sharing, string, string][] = [
    ["private", "Private", "Only you (and admins) can see and use it."],
    ["shared", "Shared", "Everyone can see it and use it for temporary credentials."],
    [
      "share_secrets",
      "Shared with its secrets",
      "Also hands out long-lived credentials (a registry password, a key) to everyone who uses it.",
    ],
    ["read_only", "Shared read-only", "Everyone can see it; only you can use it."],
  ];
  return (
    <fieldset class="field sharing">
      <legend>Sharing</legend>
      {opts.map(([v, label, hint]) => (
        <label class="radio" key={v}>
          <input type="radio" name="sharing" value={v} checked={value === v} onChange={() => onValue(v)} />
          <span>
            <strong>{label}</strong> <span class="muted">{hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

export function sharingOf(c: { shared: boolean; shared_read_only: boolean; share_secrets?: boolean }): Sharing {
  if (!c.shared) return "private";
  if (c.shared_read_only) return "read_only";
  return c.share_secrets ? "share_secrets" : "shared";
}

// Where a connector type cannot issue temporary credentials, others get its long-lived ones only
// with share_secrets: the server refuses them otherwise.
export function sharingBody(s: Sharing) {
  return { shared: s !== "private", shared_read_only: s === "read_only", share_secrets: s === "share_secrets" };
}

// Maps a server error message to the field it names ('password', 'secrets.password', ...).
export function errorField(message: string, names: string[]): string {
  for (const m of message.matchAll(/'([^']+)'/g)) {
    const q = m[1].replace(/^(configuration|secrets|labels)\./, "");
    if (names.includes(q)) return q;
    if (m[1].startsWith("labels")) return "labels";
  }
  return "";
}
