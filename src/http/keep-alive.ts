// Connection persistence per RFC 9112 §9.3, decided from what the parser saw (not from a mode flag).

/**
 * Whether the client asked for (or defaults to) a persistent connection:
 * HTTP/1.1 persists unless `Connection: close`; HTTP/1.0 persists only with `Connection: keep-alive`.
 */
export function clientWantsPersistence(versionMinor: number, connectionClose: boolean, connectionKeepAlive: boolean): boolean {
  if (connectionClose) return false;
  return versionMinor >= 1 || connectionKeepAlive;
}
