// The app shell: who is signed in, the left navigation and the route table.
import { useEffect, useState } from "preact/hooks";
import { ApiError, del, get, onUnauthorized, type User } from "./api";
import { Link, matchRoute, navigate, useLocation } from "./router";
import { SessionContext } from "./session";
import { ErrorBox, Loading } from "./ui";
import { SignIn } from "./screens/signin";
import { TypesList, TypePage } from "./screens/types";
import { RegisterConnector } from "./screens/register";
import { ConnectorsList } from "./screens/connectors";
import { ConnectorPage } from "./screens/connector";
import { ResourcesExplorer } from "./screens/resources";
import { SecretsScreen } from "./screens/secrets";
import { StacksScreen, ComponentsScreen } from "./screens/stacks";
import { AdminScreen } from "./screens/admin";
import type { ComponentChildren } from "preact";

type Screen = (p: { params: Record<string, string> }) => ComponentChildren;

const routes: [string, Screen, boolean?][] = [
  ["/connectors", () => <ConnectorsList />],
  ["/connectors/new", () => <RegisterConnector />],
  ["/connectors/:id", ({ params }) => <ConnectorPage id={params.id} />],
  ["/types", () => <TypesList />],
  ["/types/:type", ({ params }) => <TypePage type={params.type} />],
  ["/resources", () => <ResourcesExplorer />],
  ["/secrets", () => <SecretsScreen />],
  ["/components", () => <ComponentsScreen />],
  ["/stacks", () => <StacksScreen />],
  ["/admin", () => <AdminScreen />, true],
];

const nav: [string, string, string, boolean?][] = [
  ["/connectors", "Connectors", "🔌"],
  ["/types", "Connector types", "🧩"],
  ["/resources", "Resources", "🗂"],
  ["/secrets", "Secrets", "🔒"],
  ["/components", "Components", "⚙️"],
  ["/stacks", "Stacks", "🥞"],
  ["/admin", "Administration", "🛡", true],
];

export function App() {
  const loc = useLocation();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [bootError, setBootError] = useState<unknown>(null);
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    get<User>("/current-user").then(setUser, (e) => {
      if (e instanceof ApiError && e.status === 401) setUser(null);
      else setBootError(e);
    });
    return onUnauthorized(() => setUser(null));
  }, []);

  useEffect(() => setMenuOpen(false), [loc.path]);

  if (bootError) return <main class="center"><ErrorBox error={bootError} title="The dashboard could not start:" /></main>;
  if (user === undefined) return <main class="center"><Loading /></main>;

  if (user === null || loc.path === "/signin") {
    if (user === null) {
      return <SignIn onSignedIn={(u) => {
        setUser(u);
        const next = new URLSearchParams(location.search).get("next");
        navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : loc.path === "/signin" ? "/connectors" : loc.path + location.search, true);
      }} />;
    }
    navigate("/connectors", true);
  }

  const signOut = () => {
    del("/session").catch(() => undefined).finally(() => {
      setUser(null);
      navigate("/signin", true);
    });
  };

  let content: ComponentChildren = null;
  if (loc.path === "/" || loc.path === "") {
    navigate("/connectors", true);
  } else {
    for (const [pattern, screen, adminOnly] of routes) {
      const params = matchRoute(pattern, loc.path);
      if (params) {
        content = adminOnly && !user!.admin
          ? <NotFound message="This page is for administrators." />
          : screen({ params });
        break;
      }
    }
    if (content === null) content = <NotFound />;
  }

  return (
    <SessionContext.Provider value={{ user: user!, signOut }}>
      <a class="skip" href="#main">Skip to content</a>
      <div class={"shell" + (menuOpen ? " menu-open" : "")}>
        <aside class="sidebar">
          <div class="brand">
            <span class="logo" aria-hidden="true">🔑</span>
            <span>Latchkey</span>
            <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
              Menu
            </button>
          </div>
          <nav id="main-nav" aria-label="Main">
            <ul>
              {nav.filter(([, , , adminOnly]) => !adminOnly || user!.admin).map(([href, label, icon]) => (
                <li key={href}>
                  <Link href={href} class={"nav-link" + (loc.path === href || loc.path.startsWith(href + "/") ? " active" : "")}
                        aria-current={loc.path === href || loc.path.startsWith(href + "/") ? "page" : undefined}>
                    <span class="nav-icon" aria-hidden="true">{icon}</span>
                    {label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div class="whoami">
            <div>
              <span class="muted">Signed in as</span>
              <strong class="user-name">{user!.name}</strong>
              {user!.admin && <span class="badge badge-info">admin</span>}
            </div>
            <button type="button" class="btn btn-ghost" onClick={signOut}>Sign out</button>
          </div>
        </aside>
        <main id="main" class="content" tabIndex={-1}>
          {content}
        </main>
      </div>
    </SessionContext.Provider>
  );
}

function NotFound({ message }: { message?: string }) {
  return (
    <div class="empty big">
      <h1>Not found</h1>
      <p>{message ?? "There is no page at this address."}</p>
      <Link href="/connectors">Go to connectors</Link>
    </div>
  );
}
