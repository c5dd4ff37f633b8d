import { createContext, useContext } from "react";

// The per-request CSP nonce (set by entry.server.tsx); in the browser it is not needed after hydration.
export const NonceContext = createContext<string | undefined>(undefined);
export const useNonce = () => useContext(NonceContext);
