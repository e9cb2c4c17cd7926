import { timingSafeEqual } from 'node:crypto';
import { BOT_ID_KEY, SERVICE_NAME_KEY, type NamedIdentities } from '../otlp/named-identities.ts';
import type { AuthToken, TokenRole } from './auth-tokens.ts';

/** Why a request was refused: 401 for a missing or unknown token, 403 for a token that may not do this. */
export class AuthError extends Error {
  readonly statusCode: 401 | 403;
  readonly code: 'TT_COLLECTOR_UNAUTHENTICATED' | 'TT_COLLECTOR_FORBIDDEN';

  constructor(statusCode: 401 | 403, message: string) {
    super(message);
    this.name = 'AuthError';
    this.statusCode = statusCode;
    this.code = statusCode === 401 ? 'TT_COLLECTOR_UNAUTHENTICATED' : 'TT_COLLECTOR_FORBIDDEN';
  }
}

/** Checks bearer tokens. With no tokens configured, auth is off and every request passes. */
export interface RequestAuthorizer {
  readonly enabled: boolean;
  /** Returns the token for an Authorization header, or throws AuthError. */
  authenticate(authorization: string | undefined, role: TokenRole): AuthToken | undefined;
  /**
   * The credential of a request that changes the registry: an `admin:` token or the collector's local credential,
   * required even when auth is off (a loopback collector without tokens still keeps its registry to its owner).
   */
  authenticateAdmin(authorization: string | undefined): AuthToken;
  /**
   * Throws AuthError when a bound token writes as another service or bot: any resource, span, span event or log
   * record of the request naming another one refuses the whole request.
   */
  checkIdentities(token: AuthToken | undefined, identities: NamedIdentities): void;
}

/**
 * `localCredential`: the collector's own admin credential for tools of the same user (see local-access-file.ts); it
 * is accepted for reads and registry changes and does not turn auth on for ingest.
 */
export function createRequestAuthorizer(
  tokens: readonly AuthToken[],
  options: { localCredential?: string } = {},
): RequestAuthorizer {
  const entries = tokens.map((t) => ({ ...t, bytes: Buffer.from(t.token) }));
  const local =
    options.localCredential === undefined
      ? undefined
      : {
          token: options.localCredential,
          role: 'admin' as const,
          local: true as const,
          bytes: Buffer.from(options.localCredential),
        };
  const find = (authorization: string | undefined) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = Buffer.from(match[1]!);
    // Constant-time comparison, so response timing does not reveal how much of a token was right.
    const same = (e: { bytes: Buffer }) => e.bytes.length === presented.length && timingSafeEqual(e.bytes, presented);
    if (local && same(local)) return local;
    return entries.find(same) ?? null;
  };
  const check = (found: AuthToken | null | undefined, role: TokenRole): AuthToken => {
    if (found === undefined)
      throw new AuthError(401, 'this collector requires a bearer token: send Authorization: Bearer <token>');
    if (found === null) throw new AuthError(401, 'the bearer token is not valid for this collector');
    // An admin credential may also read; the local one may do anything its owner may.
    if (found.role !== role && !(found.role === 'admin' && role === 'read') && !found.local)
      throw new AuthError(403, `this token is a ${found.role} token; the request needs a ${role} token`);
    return found;
  };
  return {
    enabled: entries.length > 0,
    authenticate(authorization, role) {
      const found = find(authorization);
      if (entries.length === 0 && (found === undefined || found === null)) return undefined;
      return check(found, role);
    },
    authenticateAdmin(authorization) {
      return check(find(authorization), 'admin');
    },
    checkIdentities(token, identities) {
      const binding = token?.binding;
      if (!binding) return;
      const named = binding.kind === 'service' ? identities.serviceNames : identities.botIds;
      const other = named.find((value) => value !== binding.value);
      if (other !== undefined) {
        const label = binding.kind === 'service' ? SERVICE_NAME_KEY : BOT_ID_KEY;
        throw new AuthError(
          403,
          `this token may only write as ${label}="${binding.value}", the request has ${label}="${other}"`,
        );
      }
    },
  };
}
