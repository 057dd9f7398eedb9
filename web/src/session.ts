// The signed-in user, shared by every screen (no secret is kept here: the session token lives
// in an HttpOnly cookie).
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { User } from "./api";

export const SessionContext = createContext<{ user: User; signOut: () => void } | null>(null);

export function useSession() {
  const s = useContext(SessionContext);
  if (!s) throw new Error("no session");
  return s;
}
