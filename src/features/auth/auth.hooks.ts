/**
 * What another feature adds around a browser's sign-in and sign-out, without the login features
 * knowing it: the route table wires it (R15: an assistant's invitation being accepted in this
 * browser changes where a card or e-CPS login leads, and a sign-out forgets it). The login
 * features stay below the features that build on them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SignInHooks {
  /** Where an unknown card or e-CPS identity goes instead of its pairing page; null: the pairing page. */
  unknownIdentityUrl(request: FastifyRequest, kind: 'psc' | 'cps'): string | null;
  /** Where a card login lands: `asked` (the login's return address), unless this browser is on another journey. */
  afterCardLoginUrl(request: FastifyRequest, asked: string): string;
  /** The browser signs out: what it must forget. */
  onSignOut(reply: FastifyReply): void;
  /** The account signed out of Habilis: what else ends with its session (the OpenID provider's sessions, issue 17). */
  onSignedOut?(accountId: number): Promise<void>;
}

export const NO_SIGN_IN_HOOKS: SignInHooks = {
  unknownIdentityUrl: () => null,
  afterCardLoginUrl: (_request, asked) => asked,
  onSignOut: () => undefined,
};
