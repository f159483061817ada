/**
 * THE route table: every URL of Habilis, one line each, with the access it requires (see guard.ts).
 * `app.ts` sets up the plugins and hooks, then registers this table; a route without a declaration
 * cannot start, and `routes.test.ts` lists them all.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import multipart from '@fastify/multipart';
import type { Deps } from '../deps.js';
import type { Access } from './guard.js';
import { notFoundHandler } from './error-handler.js';
import { healthHandlers } from './health.js';
import { metricsHandler } from './metrics.js';
import { getAsset } from '../views/assets.js';
import { homeHandlers } from '../features/home/home.routes.js';
import { devHandlers } from '../features/dev/dev.routes.js';
import { authHandlers } from '../features/auth/auth.routes.js';
import { cardLoginHandlers } from '../features/card-login/card-login.routes.js';
import { selfServiceHandlers } from '../features/self-service/self-service.routes.js';
import { accountHandlers } from '../features/account-admin/account-admin.routes.js';
import { reviewHandlers } from '../features/habilitations/habilitation-review.routes.js';
import { referentCoverageHandlers } from '../features/habilitations/referent-coverage.routes.js';
import { assistantHandlers } from '../features/assistants/assistants.routes.js';
import { invitationSignInHooks } from '../features/assistants/assistants.cookies.js';
import { directoryHandlers, documentUploadErrorHandler, noteUploadedFile, uploadAccessHook, uploadErrorHandler } from '../features/directory/directory.routes.js';
import { PHOTO_MAX_BYTES } from '../features/directory/directory.rules.js';
import { directoryApiHandlers } from '../features/directory/directory-api.routes.js';
import { BODY_LIMIT } from './body-limits.js';
import { inputOf, type RouteInput } from '../platform/input.js';
import { csvUploadAccessHook, csvUploadErrorHandler, esmsAdminHandlers, esmsFhirHandlers, esmsHandlers, esmsRetrievalHandlers } from '../features/esms/esms.routes.js';
import { esmsApiHandlers } from '../features/esms/esms-api.routes.js';
import { observatoryHandlers } from '../features/observatory/observatory.routes.js';
import { lazyIdentityProvider, MOUNT_PATH } from '../features/identity-provider/idp.provider.js';
import { identityProviderHandlers, endHabilisSessionOfProviderRequest } from '../features/identity-provider/idp.routes.js';
import { endProviderSessions } from '../features/identity-provider/idp.service.js';
import { decisionHandlers } from '../features/identity-provider/decision.routes.js';
import { clientAdminHandlers } from '../features/identity-provider/idp-clients.routes.js';

type Method = 'GET' | 'POST';

export interface RouteEntry {
  method: Method;
  url: string;
  access: Access;
  /** The inputs its handler declares (input gate, issue 12); the fuzz tests read them from here. */
  input?: RouteInput;
}

function staticAsset(request: FastifyRequest<{ Params: { hash: string; name: string } }>, reply: FastifyReply) {
  const asset = getAsset(request.params.name);
  if (!asset || asset.hash !== request.params.hash) return notFoundHandler(request, reply);
  return reply
    .type(asset.contentType)
    .header('cache-control', 'public, max-age=31536000, immutable')
    .send(asset.body);
}

export async function registerRoutes(app: FastifyInstance, deps: Deps): Promise<RouteEntry[]> {
  const { config } = deps;
  const home = homeHandlers();
  const health = healthHandlers(deps);
  const dev = devHandlers(deps);
  // Issue 17: the OpenID provider (built at its first use: its keys are in the database); a sign-out at Habilis ends its sessions too.
  const idp = lazyIdentityProvider(deps, { onEndSession: (ctx) => endHabilisSessionOfProviderRequest(deps, ctx) });
  app.decorate('identityProvider', idp);
  app.addHook('onReady', async () => {
    await idp.get().catch(() => undefined);
  });
  // R15: an invitation accepted in this browser steers the card and e-CPS login; the login features do not know of it.
  const signIn = { ...invitationSignInHooks(deps), onSignedOut: (accountId: number) => endProviderSessions(deps, idp, accountId) };
  const auth = authHandlers(deps, signIn);
  const cardLogin = cardLoginHandlers(deps, signIn);
  const selfService = selfServiceHandlers(deps);
  const accounts = accountHandlers(deps);
  const review = reviewHandlers(deps);
  const coverage = referentCoverageHandlers(deps);
  const directory = directoryHandlers(deps);
  const assistants = assistantHandlers(deps);
  const routes: RouteEntry[] = [];
  const route = (method: Method, url: string, access: Access, handler: RouteHandlerMethod) => {
    routes.push({ method, url, access, input: inputOf(handler) });
    app.route({ method, url, handler, config: { access, input: inputOf(handler) } });
  };

  // ─── The route table ────────────────────────────────────────────────────────────────────────
  route('GET', '/', 'public', home.show);
  route('GET', '/connexion', 'public', auth.showLogin as RouteHandlerMethod);
  route('POST', '/connexion', 'public', auth.login);
  route('GET', '/connexion/code', 'second-factor', auth.showCode as RouteHandlerMethod);
  route('POST', '/connexion/code', 'second-factor', auth.submitCode);
  route('POST', '/connexion/code/renvoyer', 'second-factor', auth.resendCode);
  route('GET', '/connexion/nouveau-mot-de-passe', 'pending-step', auth.showNewPassword);
  route('POST', '/connexion/nouveau-mot-de-passe', 'pending-step', auth.submitNewPassword);
  route('GET', '/connexion/conditions', 'pending-step', auth.showTerms);
  route('POST', '/connexion/conditions', 'pending-step', auth.submitTerms);
  route('GET', '/mot-de-passe-oublie', 'public', auth.showForgot);
  route('POST', '/mot-de-passe-oublie', 'public', auth.submitForgot);
  route('GET', '/mot-de-passe/nouveau', 'public', auth.reset.show as RouteHandlerMethod);
  route('POST', '/mot-de-passe/nouveau', 'public', auth.reset.submit);
  route('GET', '/activation', 'public', auth.activation.show as RouteHandlerMethod);
  route('POST', '/activation', 'public', auth.activation.submit);
  route('GET', '/altcha/challenge', 'public', auth.altchaChallenge);
  route('POST', '/deconnexion', 'public', auth.logout);
  // Directory (issue 7)
  const directoryEdit = { right: 'directory.edit' } as const;
  route('GET', '/annuaire/etablissements', 'authenticated', directory.search as RouteHandlerMethod);
  route('GET', '/annuaire/etablissements/:id', 'authenticated', directory.show as RouteHandlerMethod);
  route('GET', '/annuaire/services', 'authenticated', directory.services as RouteHandlerMethod);
  route('GET', '/annuaire/etablissements/:id/modifier', directoryEdit, directory.showEdit as RouteHandlerMethod);
  route('POST', '/annuaire/etablissements/:id/modifier', directoryEdit, directory.edit as RouteHandlerMethod);
  route('POST', '/annuaire/etablissements/:id/photos/:photoId/retirer', directoryEdit, directory.deletePhoto as RouteHandlerMethod);
  route('GET', '/annuaire/photos/:photoId', 'authenticated', directory.photo('data') as RouteHandlerMethod);
  route('GET', '/annuaire/photos/:photoId/miniature', 'authenticated', directory.photo('thumbnail') as RouteHandlerMethod);
  route('POST', '/annuaire/etablissements/:id/documents/:documentId/retirer', directoryEdit, directory.deleteDocument as RouteHandlerMethod);
  route('GET', '/annuaire/documents/:documentId', 'authenticated', directory.document as RouteHandlerMethod);
  route('GET', '/annuaire/unites', 'authenticated', directory.units as RouteHandlerMethod);
  route('GET', '/annuaire/synchronisation', directoryEdit, directory.showSync as RouteHandlerMethod);
  route('POST', '/annuaire/synchronisation', directoryEdit, directory.sync);
  // Photo upload: multipart is parsed in this scope only; every other route still refuses it (415).
  routes.push({ method: 'POST', url: '/annuaire/etablissements/:id/photos', access: directoryEdit });
  await app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: PHOTO_MAX_BYTES, files: 1, fields: 4, fieldSize: 4096, parts: 5 },
    });
    scope.setErrorHandler(uploadErrorHandler);
    scope.addHook('onRequest', uploadAccessHook);
    scope.route({ method: 'POST', url: '/annuaire/etablissements/:id/photos', bodyLimit: PHOTO_MAX_BYTES + BODY_LIMIT, handler: directory.addPhoto as RouteHandlerMethod, config: { access: directoryEdit } });
  });
  // Document upload (R51): its own scope and size limit (DIRECTORY_DOCUMENT_MAX_MB); a larger file is
  // cut at the limit (nothing beyond it is kept in memory) and refused at the field by the service.
  routes.push({ method: 'POST', url: '/annuaire/etablissements/:id/documents', access: directoryEdit });
  await app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      onFile: noteUploadedFile,
      throwFileSizeLimit: false,
      limits: { fileSize: config.directoryDocumentMaxBytes, files: 1, fields: 4, fieldSize: 4096, parts: 5 },
    });
    scope.setErrorHandler(documentUploadErrorHandler(config.directoryDocumentMaxBytes));
    scope.addHook('onRequest', uploadAccessHook);
    scope.route({ method: 'POST', url: '/annuaire/etablissements/:id/documents', bodyLimit: config.directoryDocumentMaxBytes + BODY_LIMIT, handler: directory.addDocument as RouteHandlerMethod, config: { access: directoryEdit } });
  });
  // Card and e-CPS login (issue 6)
  route('GET', '/connexion/psc', 'public', cardLogin.startPsc as RouteHandlerMethod);
  route('GET', '/connexion/psc/retour', 'public', cardLogin.pscCallback);
  route('GET', '/connexion/psc/association', 'public', cardLogin.showPscPairing);
  route('POST', '/connexion/psc/association', 'public', cardLogin.submitPscPairing);
  route('POST', '/connexion/psc/deconnexion', 'public', cardLogin.pscLogout);
  route('GET', '/connexion/psc/creer-mon-compte', 'public', cardLogin.showLiberalAccount);
  route('POST', '/connexion/psc/creer-mon-compte', 'public', cardLogin.submitLiberalAccount);
  route('GET', '/connexion/psc/valider-email', 'public', cardLogin.showEmailValidation as RouteHandlerMethod);
  route('POST', '/connexion/psc/valider-email', 'public', cardLogin.submitEmailValidation);
  route('GET', '/connexion/carte', 'public', cardLogin.cardLogin as RouteHandlerMethod);
  route('GET', '/connexion/carte/association', 'public', cardLogin.showCardPairing);
  route('POST', '/connexion/carte/association', 'public', cardLogin.submitCardPairing);
  route('GET', '/connexion/partenaire/:id', 'public', cardLogin.startPartner as RouteHandlerMethod);
  route('GET', '/connexion/partenaire/:id/retour', 'public', cardLogin.partnerCallback as RouteHandlerMethod);
  route('GET', '/connexion/partenaire/:id/association', 'public', cardLogin.showPartnerPairing as RouteHandlerMethod);
  route('POST', '/connexion/partenaire/:id/association', 'public', cardLogin.submitPartnerPairing as RouteHandlerMethod);
  // Assistants of liberal professionals (issue 6, R15)
  route('GET', '/mon-compte/assistants', 'liberal', assistants.showAssistants as RouteHandlerMethod);
  route('POST', '/mon-compte/assistants', 'liberal', assistants.invite);
  route('POST', '/mon-compte/assistants/:id/acces', 'liberal', assistants.changeAccess as RouteHandlerMethod);
  route('POST', '/mon-compte/assistants/:id/retirer', 'liberal', assistants.revoke as RouteHandlerMethod);
  route('GET', '/mon-compte/assistants/:id/retirer', 'liberal', assistants.showRevoke as RouteHandlerMethod);
  route('GET', '/assistant/invitation', 'public', assistants.showInvitation as RouteHandlerMethod);
  route('GET', '/assistant/accepter', 'authenticated', assistants.showAccept);
  route('POST', '/assistant/accepter', 'authenticated', assistants.accept);
  route('POST', '/assistant/abandonner', 'public', assistants.abandon);
  route('GET', '/connexion/psc/assistant', 'public', assistants.showAssistantAccount('psc') as RouteHandlerMethod);
  route('POST', '/connexion/psc/assistant', 'public', assistants.submitAssistantAccount('psc'));
  route('POST', '/connexion/psc/assistant/code', 'public', assistants.resendAssistantCode('psc'));
  route('GET', '/connexion/carte/assistant', 'public', assistants.showAssistantAccount('cps') as RouteHandlerMethod);
  route('POST', '/connexion/carte/assistant', 'public', assistants.submitAssistantAccount('cps'));
  route('POST', '/connexion/carte/assistant/code', 'public', assistants.resendAssistantCode('cps'));
  route('GET', '/mes-delegations', 'authenticated', assistants.showMyDelegations);
  // Self-service (issue 5)
  route('GET', '/mon-compte', 'authenticated', selfService.show as RouteHandlerMethod);
  route('POST', '/mon-compte/informations', 'authenticated', selfService.updateIdentity);
  route('POST', '/mon-compte/mobile/verifier', 'authenticated', selfService.sendMobileCode);
  route('GET', '/mon-compte/mobile/code', 'authenticated', selfService.showMobileCode as RouteHandlerMethod);
  route('POST', '/mon-compte/mobile/code', 'authenticated', selfService.submitMobileCode);
  route('POST', '/mon-compte/canal-code', 'authenticated', selfService.changeOtpChannel);
  route('GET', '/mon-compte/mot-de-passe', 'authenticated', selfService.showPassword);
  route('POST', '/mon-compte/mot-de-passe', 'authenticated', selfService.changePassword);
  route('POST', '/mon-compte/habilitations/:id/reception-mails', 'authenticated', selfService.setEmailFlag as RouteHandlerMethod);
  route('GET', '/mon-compte/habilitations/:id/supprimer', 'authenticated', selfService.showDeleteHabilitation as RouteHandlerMethod);
  route('POST', '/mon-compte/habilitations/:id/supprimer', 'authenticated', selfService.deleteHabilitation as RouteHandlerMethod);
  route('POST', '/mon-compte/sessions/terminer-les-autres', 'authenticated', selfService.endOtherSessions);
  route('POST', '/mon-compte/sessions/:ref/terminer', 'authenticated', selfService.endSession as RouteHandlerMethod);
  route('POST', '/mon-compte/navigateurs/:ref/retirer', 'authenticated', selfService.revokeBrowser as RouteHandlerMethod);
  route('GET', '/mon-compte/historique', 'authenticated', selfService.showHistory as RouteHandlerMethod);
  route('GET', '/mon-compte/adresse-email/valider', 'public', selfService.showEmailChange as RouteHandlerMethod);
  route('POST', '/mon-compte/adresse-email/valider', 'public', selfService.confirmEmailChange);
  route('GET', '/mes-referents', 'authenticated', selfService.showReferents);
  // Review of habilitations (issue 4)
  const reviewAccess = { right: 'habilitations.review' } as const;
  const grantAccess = { right: 'habilitations.grant' } as const;
  route('GET', '/administration/revue', reviewAccess, review.show as RouteHandlerMethod);
  route('GET', '/administration/revue/export', reviewAccess, review.exportXlsx as RouteHandlerMethod);
  route('POST', '/administration/revue/habilitations/:id/date-de-fin', grantAccess, review.changeEndDate as RouteHandlerMethod);
  route('GET', '/administration/revue/habilitations/:id/date-de-fin', grantAccess, review.showEndDate as RouteHandlerMethod);
  route('GET', '/administration/revue/habilitations/:id/suppression', grantAccess, review.confirmDelete as RouteHandlerMethod);
  route('POST', '/administration/revue/habilitations/:id/suppression', grantAccess, review.delete as RouteHandlerMethod);
  route('GET', '/administration/structures-sans-referents', { right: 'territory.supervise' }, coverage.list as RouteHandlerMethod);
  // Referent administration of accounts and habilitations (issue 4)
  const manage = { right: 'accounts.manage' } as const;
  const grant = { right: 'habilitations.grant' } as const;
  route('GET', '/administration/comptes', manage, accounts.search as RouteHandlerMethod);
  route('GET', '/administration/comptes/nouveau', manage, accounts.showCreate);
  route('POST', '/administration/comptes/nouveau', manage, accounts.create);
  route('GET', '/administration/comptes/:id', manage, accounts.show as RouteHandlerMethod);
  route('POST', '/administration/comptes/:id/identite', manage, accounts.updateIdentity as RouteHandlerMethod);
  route('GET', '/administration/comptes/:id/debloquer', manage, accounts.showUnblock as RouteHandlerMethod);
  route('POST', '/administration/comptes/:id/debloquer', manage, accounts.unblock as RouteHandlerMethod);
  route('POST', '/administration/comptes/:id/bloquer', manage, accounts.block as RouteHandlerMethod);
  route('GET', '/administration/comptes/:id/bloquer', manage, accounts.showBlock as RouteHandlerMethod);
  route('GET', '/administration/comptes/:id/desactiver', manage, accounts.showDeactivate as RouteHandlerMethod);
  route('POST', '/administration/comptes/:id/desactiver', manage, accounts.deactivate as RouteHandlerMethod);
  route('POST', '/administration/comptes/:id/reactiver', manage, accounts.reactivate as RouteHandlerMethod);
  route('POST', '/administration/comptes/:id/habilitations/:hid/fin', grant, accounts.changeEnd as RouteHandlerMethod);
  route('GET', '/administration/comptes/:id/habilitations/:hid/supprimer', grant, accounts.showDelete as RouteHandlerMethod);
  route('POST', '/administration/comptes/:id/habilitations/:hid/supprimer', grant, accounts.delete as RouteHandlerMethod);
  route('GET', '/administration/habilitations/attribuer', grant, accounts.showGrant as RouteHandlerMethod);
  route('POST', '/administration/habilitations/attribuer', grant, accounts.grant);
  // ESMS notifications of the Handicap module (issue 14, R60–R64)
  const esms = esmsHandlers(deps);
  const esmsRead = { right: 'esms.notifications.read' } as const;
  route('GET', '/esms/tableau-de-bord', esmsRead, esms.dashboard as RouteHandlerMethod);
  route('GET', '/esms/tableau-de-bord/export', esmsRead, esms.exportXlsx as RouteHandlerMethod);
  route('GET', '/esms/notifications/:id', esmsRead, esms.show as RouteHandlerMethod);
  route('POST', '/esms/notifications/:id/suivi', { right: 'esms.followup.write' }, esms.followup as RouteHandlerMethod);
  route('GET', '/api/v1/esms/notifications/:id', esmsRead, esms.showJson as RouteHandlerMethod);
  const esmsFhir = esmsFhirHandlers(deps);
  route('GET', '/api/v1/esms/statuts', esmsRead, esmsFhir.statuses as RouteHandlerMethod);
  const esmsRetrieval = esmsRetrievalHandlers(deps);
  route('GET', '/esms/recuperer', esmsRead, esmsRetrieval.show);
  route('POST', '/esms/recuperer', esmsRead, esmsRetrieval.search);
  route('POST', '/esms/recuperer/prendre', esmsRead, esmsRetrieval.take);
  const esmsAdmin = esmsAdminHandlers(deps);
  const regionAdmin = { right: 'territory.supervise' } as const;
  route('GET', '/esms/import', regionAdmin, esmsAdmin.show);
  route('POST', '/esms/import/applications', regionAdmin, esmsAdmin.bindApplication);
  route('POST', '/esms/import/applications-statuts', regionAdmin, esmsAdmin.bindReadApplication);
  route('POST', '/esms/import/applications-statuts/retirer', regionAdmin, esmsAdmin.unbindReadApplication);
  // CSV upload: multipart in this scope only, 5 MB; only a region administrator gets a byte read.
  routes.push({ method: 'POST', url: '/esms/import/csv', access: regionAdmin });
  await app.register(async (scope) => {
    await scope.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 4, fieldSize: 4096, parts: 5 } });
    scope.setErrorHandler(csvUploadErrorHandler);
    scope.addHook('onRequest', csvUploadAccessHook);
    scope.route({ method: 'POST', url: '/esms/import/csv', bodyLimit: 5 * 1024 * 1024 + BODY_LIMIT, handler: esmsAdmin.uploadCsv, config: { access: regionAdmin } });
  });
  // The MDPH's import: no session, no CSRF; an OAuth access token (client credentials, scope esms.import) that the
  // guard checks like the decision API's, of an application a region administrator bound to one region.
  const esmsApi = esmsApiHandlers(deps);
  const esmsImportScope = { scope: 'esms.import' } as const;
  routes.push({ method: 'POST', url: '/api/v1/esms/decisions', access: esmsImportScope });
  app.route({ method: 'POST', url: '/api/v1/esms/decisions', handler: esmsApi.importDecisions, bodyLimit: 16 * 1024 * 1024, config: { access: esmsImportScope, csrf: false } });
  // The F5 statuses for an application (scope esms.read) a region administrator bound to ESMS: the same answer as
  // /api/v1/esms/statuts, tier 1, for those ESMS only.
  const esmsReadScope = { scope: 'esms.read' } as const;
  routes.push({ method: 'GET', url: '/api/v1/esms/applications/statuts', access: esmsReadScope });
  app.route({ method: 'GET', url: '/api/v1/esms/applications/statuts', handler: esmsFhir.applicationStatuses as RouteHandlerMethod, config: { access: esmsReadScope, csrf: false } });
  // Observatoire: statistics orders (issue 15, R70)
  const observatory = observatoryHandlers(deps);
  const order = { right: 'observatory.order' } as const;
  route('GET', '/observatoire/commander', order, observatory.showOrder as RouteHandlerMethod);
  route('POST', '/observatoire/commander', order, observatory.placeOrder);
  route('GET', '/observatoire/consulter', order, observatory.listOrders as RouteHandlerMethod);
  route('GET', '/observatoire/consulter/etat', order, observatory.statuses);
  route('GET', '/observatoire/commandes/:id', order, observatory.showResult as RouteHandlerMethod);
  route('GET', '/observatoire/commandes/:id/excel', order, observatory.downloadFile as RouteHandlerMethod);
  route('GET', '/health/live', 'public', health.live);
  route('GET', '/health/ready', 'public', health.ready);
  if (config.metrics) route('GET', '/metrics', 'metrics', metricsHandler(deps));
  route('GET', '/static/:hash/:name', 'public', staticAsset as RouteHandlerMethod);
  // Identity provider and decision API (issue 17): the provider's own endpoints take the raw request
  // (no body parsed here, no CSRF: they authenticate clients themselves); the interaction is a page of ours.
  const oidc = identityProviderHandlers(deps, idp);
  route('GET', `${MOUNT_PATH}/interaction/:uid`, 'public', oidc.interaction as RouteHandlerMethod);
  route('POST', `${MOUNT_PATH}/interaction/:uid/renforcer`, 'public', oidc.stepUp as RouteHandlerMethod);
  routes.push({ method: 'GET', url: `${MOUNT_PATH}/*`, access: 'public' }, { method: 'POST', url: `${MOUNT_PATH}/*`, access: 'public' });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.route({ method: ['GET', 'POST'], url: `${MOUNT_PATH}/*`, handler: oidc.provider, config: { access: 'public', csrf: false } });
  });
  const decisions = decisionHandlers(deps);
  const evaluate = { scope: 'access.evaluate' } as const;
  for (const [url, handler] of [['/api/v1/access/evaluation', decisions.evaluation], ['/api/v1/access/evaluations', decisions.evaluations]] as const) {
    routes.push({ method: 'POST', url, access: evaluate });
    app.route({ method: 'POST', url, handler, config: { access: evaluate, csrf: false } });
  }
  // The directory for registered applications (scope directory.read, R52): the page's search and sheet as JSON;
  // no session, no CSRF, the token checked by the guard like the decision API's.
  const directoryApi = directoryApiHandlers(deps);
  const directoryRead = { scope: 'directory.read' } as const;
  for (const [url, handler] of [['/api/v1/annuaire/etablissements', directoryApi.search], ['/api/v1/annuaire/etablissements/:id', directoryApi.show as RouteHandlerMethod]] as const) {
    routes.push({ method: 'GET', url, access: directoryRead });
    app.route({ method: 'GET', url, handler, config: { access: directoryRead, csrf: false } });
  }
  route('GET', '/api/v1/openapi.json', 'public', decisions.openApi);
  route('GET', '/documentation/api', 'public', decisions.documentation);
  const clientAdmin = clientAdminHandlers(deps);
  const manageClients = { right: 'clients.manage' } as const;
  route('GET', '/administration/applications', manageClients, clientAdmin.list as RouteHandlerMethod);
  route('GET', '/administration/applications/nouvelle', manageClients, clientAdmin.showCreate);
  route('POST', '/administration/applications/nouvelle', manageClients, clientAdmin.create);
  route('GET', '/administration/applications/:id', manageClients, clientAdmin.show as RouteHandlerMethod);
  route('POST', '/administration/applications/:id', manageClients, clientAdmin.update as RouteHandlerMethod);
  route('POST', '/administration/applications/:id/secret', manageClients, clientAdmin.renewSecret as RouteHandlerMethod);
  route('POST', '/administration/applications/:id/desactiver', manageClients, clientAdmin.setEnabled(false) as RouteHandlerMethod);
  route('POST', '/administration/applications/:id/reactiver', manageClients, clientAdmin.setEnabled(true) as RouteHandlerMethod);
  if (!config.isProduction) {
    route('GET', '/dev/mails', 'public', dev.mails);
    route('GET', '/dev/sms', 'public', dev.sms);
  }
  // ────────────────────────────────────────────────────────────────────────────────────────────

  return routes;
}
