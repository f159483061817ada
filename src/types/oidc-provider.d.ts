/**
 * The part of oidc-provider (no bundled types) that Habilis uses: its own OpenID provider
 * (features/identity-provider, issue 17) and the loopback Pro Santé Connect of the tests.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { Socket } from 'node:net';

  interface GrantInstance {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }
  interface Interaction {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string };
    iat?: number;
    lastSubmission?: Record<string, unknown>;
  }
  interface ClientInstance {
    clientId: string;
    clientSecret?: string;
    scope?: string;
    metadata(): Record<string, unknown>;
    [key: string]: unknown;
  }
  interface ProviderContext {
    oidc: {
      client?: ClientInstance;
      session?: { accountId?: string; grantIdFor(clientId: string): string | undefined; authTime(): number | undefined; acr?: string; amr?: string[] };
      params?: Record<string, unknown>;
      claims?: Record<string, Record<string, unknown> | undefined>;
      result?: { login?: unknown; consent?: { grantId?: string } };
      requestParamOIDCScopes?: Set<string>;
      route?: string;
      provider: Provider;
    };
    /** The connection of the request (a TLSSocket on an https server). */
    socket: Socket;
    req: IncomingMessage;
    cookies: { get(name: string, options?: { signed?: boolean }): string | undefined };
    body?: unknown;
    type?: string;
  }
  type CheckResult = boolean | Promise<boolean>;
  class Check {
    constructor(reason: string, description: string, check: (ctx: ProviderContext) => CheckResult);
    static REQUEST_PROMPT: boolean;
    static NO_NEED_TO_PROMPT: boolean;
  }
  class Prompt {
    name: string;
    checks: Check[] & { add(check: Check, index?: number): void };
  }
  interface Policy extends Array<Prompt> {
    get(name: string): Prompt;
  }
  export const interactionPolicy: { Check: typeof Check; Prompt: typeof Prompt; base(): Policy };
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    Grant: (new (init: { clientId: string; accountId: string }) => GrantInstance) & { find(id: string): Promise<GrantInstance | undefined> };
    Client: { prototype: { compareClientSecret(this: ClientInstance, actual: string): boolean | Promise<boolean> } };
    issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: any[]) => void): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  }
  export type { ProviderContext, ClientInstance, GrantInstance, Interaction };
}
