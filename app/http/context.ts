// What the Express server hands every loader and action (server/app.ts getLoadContext).
declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address (behind a proxy, from X-Forwarded-For when TRUST_PROXY is set). */
    clientIp?: string;
    /** Per-request nonce allowed by the Content-Security-Policy for inline scripts. */
    cspNonce?: string;
  }
}

export {};
