/** Routes of the login journey (R01–R11): parse, call one service function, present. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { DomainError } from '../../platform/errors.js';
import { form, secret, text, withInput } from '../../platform/input.js';
import { recordLogin, refusedLoginOutcome } from '../../platform/metrics.js';
import { endSession, newSession, openSession, setSessionCookie } from '../../http/session.js';
import { afterSignIn as afterLogin, safeReturnPath } from '../../http/guard.js';
import { sendPage as html } from '../../http/reply.js';
import { newChallenge } from '../../platform/altcha.js';
import * as service from './auth.service.js';
import * as passwords from './password.service.js';
import { ensureBrowserHash, readBrowserHash } from './auth.cookies.js';
import { NO_SIGN_IN_HOOKS, type SignInHooks } from './auth.hooks.js';
import { CodePage, ForgotPasswordPage, LinkInvalidPage, LoginPage, NewPasswordPage, TermsPage } from './auth.pages.js';

const username = text('Le nom d’utilisateur', 100);
const altcha = text('La vérification anti-robot', 20_000);
const retour = text('L’adresse de retour', 500);
// R17: `renforcer` — an application asked for a step-up (the trusted browser does not replace the code).
const loginForm = form({ username, password: secret('Le mot de passe'), retour, altcha, renforcer: text('Le renforcement', 5) });
const codeForm = form({ code: text('Le code', 20), retour });
const newPasswordForm = form({ password: secret('Le mot de passe'), confirmation: secret('La confirmation'), endOthers: text('« Terminer les autres sessions »', 5), jeton: text('Le lien', 200) });
const termsForm = form({ accept: text('L’acceptation', 5) });
const forgotForm = form({ username, altcha });

const NOTICES: Record<string, string> = {
  active: 'Votre compte est activé. Connectez-vous avec votre nom d’utilisateur et votre nouveau mot de passe.',
  reinitialise: 'Votre mot de passe est enregistré. Connectez-vous avec votre nouveau mot de passe.',
};

export function authHandlers(deps: Deps, hooks: SignInHooks = NO_SIGN_IN_HOOKS) {
  const loginPage = async (request: FastifyRequest, props: { username?: string; error?: string; notice?: string; retour: string; stepUp?: boolean }) =>
    LoginPage({ csrfToken: request.csrfToken, robotCheck: await service.loginNeedsRobotCheck(deps, request.ip), pscLogin: deps.config.psc !== null, cardLogin: deps.config.card !== null, ...props });

  const codePage = async (request: FastifyRequest, props: { error?: string; notice?: string; retour: string }) =>
    CodePage({ csrfToken: request.csrfToken, destination: await service.describeCodeDestination(deps, request.authSession!.accountId), ...props });

  return {
    showLogin: async (request: FastifyRequest<{ Querystring: { retour?: string; etat?: string; renforcer?: string } }>, reply: FastifyReply) => {
      if (request.principal) return reply.redirect('/', 303);
      const notice = NOTICES[String(request.query.etat)];
      const stepUp = request.query.renforcer === '1';
      return html(reply, await loginPage(request, { retour: safeReturnPath(request.query.retour), ...(notice ? { notice } : {}), ...(stepUp ? { stepUp } : {}) }));
    },

    login: withInput({ body: loginForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = loginForm.parse(request.body ?? {});
      const retour = safeReturnPath(form.retour);
      // R17: an application asked for a step-up: the trusted browser (R05) does not replace the code this time.
      const stepUp = form.renforcer === '1';
      try {
        const result = await service.checkPassword(deps, {
          username: form.username,
          password: form.password,
          ip: request.ip,
          browserHash: stepUp ? null : readBrowserHash(deps, request),
          robotAnswer: form.altcha,
        });
        if (result.kind === 'trusted_browser') {
          await openSession(deps, request, reply, { accountId: result.accountId, strength: 'strong', authMethod: 'password+trusted-browser', pendingStep: result.pendingStep });
          return reply.redirect(afterLogin(result.pendingStep, retour), 303);
        }
        // R06: the password alone gives a session that can do nothing but receive and type the code.
        // Rotation: the session the browser came with ends; the new one is written with its code.
        await endSession(deps, request, reply);
        const session = newSession(deps, request, { accountId: result.accountId, strength: 'password', authMethod: 'password' });
        await service.openCodeSession(deps, { recipient: result.recipient, session, ip: request.ip });
        setSessionCookie(deps, reply, session);
        return reply.redirect(`/connexion/code?retour=${encodeURIComponent(retour)}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        recordLogin('password', refusedLoginOutcome(error));
        return html(reply, await loginPage(request, { username: form.username.trim().slice(0, 60), error: error.message, retour, ...(stepUp ? { stepUp } : {}) }), error.status);
      }
    }),

    showCode: async (request: FastifyRequest<{ Querystring: { retour?: string; renvoye?: string } }>, reply: FastifyReply) => {
      const notice = request.query.renvoye === '1' ? 'Un nouveau code vient de vous être envoyé.' : undefined;
      return html(reply, await codePage(request, { retour: safeReturnPath(request.query.retour), ...(notice ? { notice } : {}) }));
    },

    submitCode: withInput({ body: codeForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = codeForm.parse(request.body ?? {});
      const retour = safeReturnPath(form.retour);
      const session = request.authSession!;
      try {
        const { pendingStep, amr } = await service.verifyLoginCode(deps, { session, code: form.code, ip: request.ip });
        // Privilege change: a new session id for the strong session (the password-step id dies).
        // The step done, the session keeps the way it was opened (a card, an e-CPS, a password and a code).
        await openSession(deps, request, reply, { accountId: session.accountId, strength: 'strong', authMethod: session.authMethod, pendingStep, amr });
        await service.trustBrowser(deps, session.accountId, ensureBrowserHash(deps, request, reply));
        return reply.redirect(afterLogin(pendingStep, retour), 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        recordLogin('code', refusedLoginOutcome(error));
        return html(reply, await codePage(request, { error: error.message, retour }), error.status);
      }
    }),

    resendCode: withInput({ body: codeForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const retour = safeReturnPath(codeForm.parse(request.body ?? {}).retour);
      const session = request.authSession!;
      try {
        await service.resendLoginCode(deps, { accountId: session.accountId, sessionIdHash: session.idHash, ip: request.ip });
        return reply.redirect(`/connexion/code?renvoye=1&retour=${encodeURIComponent(retour)}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        recordLogin('code', refusedLoginOutcome(error));
        return html(reply, await codePage(request, { error: error.message, retour }), error.status);
      }
    }),

    showNewPassword: async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.authSession!.pendingStep !== 'password_change') return reply.redirect('/', 303);
      return html(reply, NewPasswordPage({ csrfToken: request.csrfToken, mode: 'expired', action: '/connexion/nouveau-mot-de-passe', errors: {}, username: request.authSession!.viewer.username }));
    },

    submitNewPassword: withInput({ body: newPasswordForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const session = request.authSession!;
      if (session.pendingStep !== 'password_change') return reply.redirect('/', 303);
      const form = newPasswordForm.parse(request.body ?? {});
      try {
        const { pendingStep } = await service.changeExpiredPassword(deps, {
          session,
          newPassword: form.password,
          confirmation: form.confirmation,
          endOtherSessions: form.endOthers === '1',
          ip: request.ip,
        });
        // The step done, the session keeps the way it was opened (a card, an e-CPS, a password and a code).
        await openSession(deps, request, reply, { accountId: session.accountId, strength: 'strong', authMethod: session.authMethod, pendingStep });
        await service.trustBrowser(deps, session.accountId, ensureBrowserHash(deps, request, reply));
        return reply.redirect(afterLogin(pendingStep, '/'), 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(
          reply,
          NewPasswordPage({ csrfToken: request.csrfToken, mode: 'expired', action: '/connexion/nouveau-mot-de-passe', errors: { ...error.fields }, general: error.message, username: session.viewer.username }),
          error.status,
        );
      }
    }),

    showTerms: async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.authSession!.pendingStep !== 'terms') return reply.redirect('/', 303);
      return html(reply, TermsPage({ csrfToken: request.csrfToken }));
    },

    submitTerms: withInput({ body: termsForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const session = request.authSession!;
      if (session.pendingStep !== 'terms') return reply.redirect('/', 303);
      const accepted = termsForm.parse(request.body ?? {}).accept === '1';
      try {
        await service.acceptTerms(deps, { session, accepted, ip: request.ip });
        await openSession(deps, request, reply, { accountId: session.accountId, strength: 'strong', authMethod: session.authMethod, pendingStep: null });
        return reply.redirect('/', 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(reply, TermsPage({ csrfToken: request.csrfToken, error: error.message }), error.status);
      }
    }),

    showForgot: async (request: FastifyRequest, reply: FastifyReply) => html(reply, ForgotPasswordPage({ csrfToken: request.csrfToken, sent: false })),

    submitForgot: withInput({ body: forgotForm }, async (request: FastifyRequest, reply: FastifyReply) => {
      const form = forgotForm.parse(request.body ?? {});
      try {
        await passwords.requestPasswordReset(deps, { username: form.username, ip: request.ip, robotAnswer: form.altcha });
        // R09: the same answer whatever the username.
        return html(reply, ForgotPasswordPage({ csrfToken: request.csrfToken, sent: true }));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return html(reply, ForgotPasswordPage({ csrfToken: request.csrfToken, sent: false, error: error.message, username: form.username.slice(0, 60) }), error.status);
      }
    }),

    reset: linkHandlers(deps, 'password_reset', '/mot-de-passe/nouveau', 'reset', '/connexion?etat=reinitialise'),
    activation: linkHandlers(deps, 'activation', '/activation', 'activation', '/connexion?etat=active'),

    altchaChallenge: async (_request: FastifyRequest, reply: FastifyReply) =>
      reply.header('cache-control', 'no-store').send(await newChallenge(deps.config.sessionSecret, deps.clock.now())),

    /** "Déconnexion": the session ends server-side, not only its cookie, and an assistant invitation in progress is forgotten (R15). The trusted browser stays (R05). */
    logout: async (request: FastifyRequest, reply: FastifyReply) => {
      const accountId = request.authSession?.accountId;
      await endSession(deps, request, reply);
      hooks.onSignOut(reply);
      if (accountId !== undefined) await hooks.onSignedOut?.(accountId);
      return reply.redirect('/', 303);
    },
  };
}

/** The two single-use link pages (reset R09, activation R11): same shape, different purpose. */
function linkHandlers(deps: Deps, purpose: 'activation' | 'password_reset', action: string, mode: 'reset' | 'activation', done: string) {
  const show = async (request: FastifyRequest<{ Querystring: { jeton?: string } }>, reply: FastifyReply) => {
    try {
      const account = await passwords.accountOfLink(deps, request.query.jeton, purpose);
      return html(reply, NewPasswordPage({ csrfToken: request.csrfToken, mode, action, token: request.query.jeton!, username: account.username, errors: {} }));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return html(reply, LinkInvalidPage({ csrfToken: request.csrfToken, message: error.message }), error.status);
    }
  };
  const submit = withInput({ body: newPasswordForm }, async (request: FastifyRequest, reply: FastifyReply) => {
    const form = newPasswordForm.parse(request.body ?? {});
    try {
      await passwords.setPasswordFromLink(deps, { token: form.jeton, purpose, newPassword: form.password, confirmation: form.confirmation, ip: request.ip });
      await endSession(deps, request, reply);
      return reply.redirect(done, 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'LINK_INVALID') return html(reply, LinkInvalidPage({ csrfToken: request.csrfToken, message: error.message }), error.status);
      const account = await passwords.accountOfLink(deps, form.jeton, purpose);
      return html(
        reply,
        NewPasswordPage({ csrfToken: request.csrfToken, mode, action, token: form.jeton, username: account.username, errors: { ...error.fields }, general: error.message }),
        error.status,
      );
    }
  });
  return { show, submit };
}
