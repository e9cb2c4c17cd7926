import { describe, expect, it } from 'vitest';
import {
  type AuthError,
  createRequestAuthorizer,
  insecureBindingWarning,
  NamedIdentities,
  parseAuthTokens,
} from '@tradetrace/collector';

describe('parseAuthTokens', () => {
  it('reads bare ingest tokens, read tokens and bindings, from lists and lines with comments', () => {
    const tokens = parseAuthTokens(
      'aaaaaaaaaaaaaaaa, read:bbbbbbbbbbbbbbbb\n# a comment\ncccccccccccccccc@service:bot-a\ndddddddddddddddd@bot:b-7',
      'test',
    );
    expect(tokens).toEqual([
      { token: 'aaaaaaaaaaaaaaaa', role: 'ingest' },
      { token: 'bbbbbbbbbbbbbbbb', role: 'read' },
      { token: 'cccccccccccccccc', role: 'ingest', binding: { kind: 'service', value: 'bot-a' } },
      { token: 'dddddddddddddddd', role: 'ingest', binding: { kind: 'bot', value: 'b-7' } },
    ]);
  });

  it('names the entry and the problem for a bad one', () => {
    expect(() => parseAuthTokens('aaaaaaaaaaaaaaaa,short', 'TRADETRACE_AUTH_TOKENS')).toThrow(
      /TRADETRACE_AUTH_TOKENS entry 2: a token must be at least 16 characters/,
    );
    expect(() => parseAuthTokens('write:aaaaaaaaaaaaaaaa', 'f')).toThrow(/unknown role "write"/);
    expect(() => parseAuthTokens('read:aaaaaaaaaaaaaaaa@service:x', 'f')).toThrow(/only ingest tokens can be bound/);
  });
});

describe('createRequestAuthorizer', () => {
  const authorizer = createRequestAuthorizer(
    parseAuthTokens('aaaaaaaaaaaaaaaa,read:bbbbbbbbbbbbbbbb,cccccccccccccccc@bot:b-7', 't'),
  );

  describe('.authenticate', () => {
    it('accepts a known token for its role and refuses the rest with 401 or 403', () => {
      expect(authorizer.authenticate('Bearer aaaaaaaaaaaaaaaa', 'ingest')?.role).toBe('ingest');
      const statusOf = (header: string | undefined, role: 'ingest' | 'read') => {
        try {
          authorizer.authenticate(header, role);
          return 200;
        } catch (error) {
          return (error as AuthError).statusCode;
        }
      };
      expect(statusOf(undefined, 'ingest')).toBe(401);
      expect(statusOf('Bearer aaaaaaaaaaaaaaab', 'ingest')).toBe(401);
      expect(statusOf('Basic aaaaaaaaaaaaaaaa', 'ingest')).toBe(401);
      expect(statusOf('Bearer bbbbbbbbbbbbbbbb', 'ingest')).toBe(403);
      expect(statusOf('Bearer aaaaaaaaaaaaaaaa', 'read')).toBe(403);
    });

    it('lets everything through when no token is configured', () => {
      expect(createRequestAuthorizer([]).authenticate(undefined, 'read')).toBeUndefined();
    });
  });

  describe('.authenticateAdmin', () => {
    const statusOf = (authorizer: ReturnType<typeof createRequestAuthorizer>, header: string | undefined) => {
      try {
        authorizer.authenticateAdmin(header);
        return 200;
      } catch (error) {
        return (error as AuthError).statusCode;
      }
    };

    it('takes an admin: token or the local credential, also for reads, and refuses read and ingest tokens', () => {
      const local = 'local-credential-of-this-run';
      const withAdmin = createRequestAuthorizer(parseAuthTokens('read:bbbbbbbbbbbbbbbb,admin:dddddddddddddddd', 't'), {
        localCredential: local,
      });
      expect(statusOf(withAdmin, 'Bearer dddddddddddddddd')).toBe(200);
      expect(withAdmin.authenticate('Bearer dddddddddddddddd', 'read')?.role).toBe('admin');
      expect(statusOf(withAdmin, `Bearer ${local}`)).toBe(200);
      expect(withAdmin.authenticate(`Bearer ${local}`, 'read')?.local).toBe(true);
      expect(statusOf(withAdmin, 'Bearer bbbbbbbbbbbbbbbb')).toBe(403);
      expect(statusOf(withAdmin, undefined)).toBe(401);
    });

    it('needs a credential even when auth is off, and the local one does not turn auth on', () => {
      const open = createRequestAuthorizer([], { localCredential: 'local-credential-of-this-run' });
      expect(open.enabled).toBe(false);
      expect(open.authenticate(undefined, 'ingest')).toBeUndefined();
      expect(statusOf(open, undefined)).toBe(401);
      expect(statusOf(open, 'Bearer someone-elses-guess')).toBe(401);
      expect(statusOf(open, 'Bearer local-credential-of-this-run')).toBe(200);
    });
  });

  describe('.checkIdentities', () => {
    const named = (resources: Record<string, string>[], items: Record<string, string>[] = []) => {
      const identities = new NamedIdentities();
      for (const attributes of resources) identities.noteResource(attributes);
      for (const attributes of items) identities.noteItem(attributes);
      return identities;
    };

    it('refuses a bound token writing as another bot', () => {
      const token = authorizer.authenticate('Bearer cccccccccccccccc', 'ingest');
      const own = { 'service.name': 's', 'trading.bot.id': 'b-7' };
      expect(() => authorizer.checkIdentities(token, named([own]))).not.toThrow();
      expect(() =>
        authorizer.checkIdentities(token, named([own, { 'service.name': 's', 'trading.bot.id': 'b-8' }])),
      ).toThrow(/may only write as trading.bot.id="b-7"/);
    });

    it('refuses a bound token whose item names another bot, or an empty one, over its own resource', () => {
      const token = authorizer.authenticate('Bearer cccccccccccccccc', 'ingest');
      const own = { 'service.name': 's', 'trading.bot.id': 'b-7' };
      expect(() => authorizer.checkIdentities(token, named([own], [{ 'trading.bot.id': 'b-7' }]))).not.toThrow();
      expect(() => authorizer.checkIdentities(token, named([own], [{ 'trading.bot.id': 'b-8' }]))).toThrow(
        /the request has trading.bot.id="b-8"/,
      );
      expect(() => authorizer.checkIdentities(token, named([own], [{ 'trading.bot.id': '' }]))).toThrow(
        /the request has trading.bot.id=""/,
      );
    });
  });
});

describe('insecureBindingWarning', () => {
  it('warns for a public address without auth, and only then', () => {
    expect(insecureBindingWarning('0.0.0.0', false)).toMatch(/WITHOUT authentication/);
    expect(insecureBindingWarning('0.0.0.0', true)).toBeUndefined();
    expect(insecureBindingWarning('127.0.0.1', false)).toBeUndefined();
    expect(insecureBindingWarning('::1', false)).toBeUndefined();
  });
});
