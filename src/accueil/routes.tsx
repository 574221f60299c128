import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/deps.js';
import { dashboardsFor, structureScope, type Principal, type Role } from '../platform/access.js';
import { countOutbox } from '../platform/mail.js';
import { countAudit } from '../audit/audit.js';
import { countUsers, countUsersWithRoleInStructures } from '../comptes/users.js';
import { countStructuresByDepartement, listStructures } from '../structures/structures.js';
import { departement, region } from '../territoires/territoires.js';
import { AccessibilityPage, HomePage, LegalPage, PrivacyPage } from './views/static.js';
import { AFaire, CountTable, Dashboard, StructureTable } from './views/dashboards.js';
import { actionsAnct, actionsBanque, actionsConseiller, actionsCoordinateur, actionsPrefecture, actionsStructure, type FiguresInstruction } from './actions.js';
import type { PipelineFigures } from '../programme/views/dashboard.js';
import { EmptyState, Stat } from '../platform/views/components.js';
import { ActivitesStats, activitesFigures } from '../activites/views/dashboard.js';
import { dossiersOfStructures, PipelineBlock, pipelineFigures, StructureFileBlock } from '../programme/views/dashboard.js';
import { CandidatBlock, StructureRecrutementBlock } from '../recrutement/views/dashboard.js';
import { BanqueConventionsBlock, StructureConventionBlock } from '../conventions/views/dashboard.js';
import { chiffresBanque } from '../conventions/lecture.js';
import { conventionCourante, conventionsDeStructure } from '../conventions/conventions.js';
import { conventionsScope } from '../conventions/policy.js';
import { candidatFigures, structuresFigures } from '../recrutement/lecture.js';

const instruction = (p: PipelineFigures): FiguresInstruction => ({ attenteAvis: p.counts.attenteAvis, examenComplementaire: p.counts.parStatut.EXAMEN_COMPLEMENTAIRE_COSELEC ?? 0 });

function structureIdsOf(user: Principal, role: Role): string[] {
  return user.roles.filter((g) => g.role === role && g.structureId).map((g) => g.structureId!);
}

export function registerAccueilRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;

  app.get('/', { config: { access: 'public' } }, async (request, reply) => reply.html(HomePage({ ctx: request.ctx() })));
  app.get('/accessibilite', { config: { access: 'public' } }, async (request, reply) => reply.html(AccessibilityPage({ ctx: request.ctx() })));
  app.get('/mentions-legales', { config: { access: 'public' } }, async (request, reply) => reply.html(LegalPage({ ctx: request.ctx() })));
  app.get('/donnees-personnelles', { config: { access: 'public' } }, async (request, reply) => reply.html(PrivacyPage({ ctx: request.ctx() })));

  app.get('/healthz', { config: { access: 'public' } }, async (_request, reply) => {
    await deps.database.query('select 1');
    return reply.header('cache-control', 'no-store').send({ status: 'ok', db: deps.database.kind, version: deps.config.version });
  });

  app.get('/tableau-de-bord', { config: { access: 'authentifie' } }, async (request, reply) => {
    const [first] = dashboardsFor(request.user!);
    if (!first) {
      return reply.html(
        Dashboard({
          ctx: request.ctx(),
          role: 'candidat',
          children: EmptyState({
            title: 'Aucun rôle sur ce compte',
            children: "Votre compte n'a encore aucun rôle. Demandez à l'administrateur de la plateforme de vous en attribuer un.",
          }),
        }),
      );
    }
    return reply.redirect(`/tableau-de-bord/${first}`, 303);
  });

  app.get('/tableau-de-bord/admin', { config: { access: 'tableau-de-bord:admin' } }, async (request, reply) => {
    const scope = structureScope(request.user);
    const [users, structures, byDep, mails, audit, pipeline] = await Promise.all([
      countUsers(db),
      listStructures(db, scope, { limit: 0 }),
      countStructuresByDepartement(db, scope),
      countOutbox(db),
      countAudit(db),
      pipelineFigures(db, request.user!),
    ]);
    return reply.html(
      Dashboard({
        ctx: request.ctx(),
        role: 'admin',
        intro: 'pilotage national',
        children: (
          <>
            <AFaire actions={actionsAnct(instruction(pipeline))} vide="Rien à faire pour le moment." />
            <div class="fr-grid-row fr-grid-row--gutters fr-mb-4w">
              <Stat label="Comptes" value={users} href="/admin/utilisateurs" />
              <Stat label="Structures" value={structures.total} href="/structures" />
              <Stat label="Entrées du journal" value={audit} href="/admin/journal" />
              <Stat label="Courriels" value={mails} href="/admin/courriels" />
            </div>
            <PipelineBlock f={pipeline} titre="Candidatures des structures" />
            {structures.total === 0 ? (
              <EmptyState title="Aucune structure">
                Commencez par <a href="/structures/nouvelle">ajouter une structure</a>, puis <a href="/admin/utilisateurs/inviter">invitez</a>{' '}
                ses responsables.
              </EmptyState>
            ) : (
              <CountTable caption="Structures par département" head="Département" kind="departement" rows={byDep.map((r) => ({ key: r.departement, n: r.n }))} />
            )}
          </>
        ),
      }),
    );
  });

  app.get('/tableau-de-bord/prefecture', { config: { access: 'tableau-de-bord:prefecture' } }, async (request, reply) => {
    const deps_ = request.user!.roles.filter((g) => g.role === 'prefecture' && g.departement).map((g) => g.departement!);
    const scope = { all: false, departements: deps_, structureIds: [] };
    const [{ rows, total }, pipeline] = await Promise.all([listStructures(db, scope, { limit: 20 }), pipelineFigures(db, request.user!)]);
    const names = deps_.map((d) => `${d} · ${departement(d)?.nom ?? ''}`).join(', ');
    return reply.html(
      Dashboard({
        ctx: request.ctx(),
        role: 'prefecture',
        intro: names,
        children: (
          <>
            <AFaire actions={actionsPrefecture(instruction(pipeline))} vide="Aucune candidature n'attend votre avis pour le moment." />
            <div class="fr-grid-row fr-grid-row--gutters fr-mb-4w">
              <Stat label="Structures du département" value={total} href="/structures" />
            </div>
            <PipelineBlock f={pipeline} titre="Candidatures à instruire" />
            {total === 0 ? (
              <EmptyState title="Aucune structure dans votre département">
                Les structures de votre département apparaîtront ici dès leur enregistrement ; vous pourrez alors donner votre avis sur leurs
                candidatures.
              </EmptyState>
            ) : (
              <StructureTable caption={`Structures du département (${Math.min(total, 20)} sur ${total})`} rows={rows} />
            )}
          </>
        ),
      }),
    );
  });

  app.get('/tableau-de-bord/banque', { config: { access: 'tableau-de-bord:banque' } }, async (request, reply) => {
    const scope = structureScope(request.user);
    const [byDep, pipeline, conventions] = await Promise.all([countStructuresByDepartement(db, scope), pipelineFigures(db, request.user!), chiffresBanque(db, conventionsScope(request.user))]);
    const byRegion = new Map<string, number>();
    for (const r of byDep) {
      const reg = departement(r.departement)?.region ?? '?';
      byRegion.set(reg, (byRegion.get(reg) ?? 0) + r.n);
    }
    const total = byDep.reduce((a, r) => a + r.n, 0);
    return reply.html(
      Dashboard({
        ctx: request.ctx(),
        role: 'banque',
        intro: 'conventions et paiements',
        children: (
          <>
            <AFaire actions={actionsBanque(conventions)} vide="Aucune convention n'attend votre validation, aucune n'est en alerte." />
            <div class="fr-grid-row fr-grid-row--gutters fr-mb-4w">
              <Stat label="Structures" value={total} href="/structures" />
              <Stat label="Régions concernées" value={byRegion.size} href="/conventions?par=region" />
            </div>
            <BanqueConventionsBlock f={conventions} />
            <PipelineBlock f={pipeline} titre="Structures validées et postes" />
            {total === 0 ? (
              <EmptyState title="Aucune structure">Les structures validées apparaîtront ici pour le conventionnement.</EmptyState>
            ) : (
              <CountTable
                caption="Structures par région"
                head="Région"
                kind="region"
                rows={[...byRegion.entries()].sort((a, b) => (region(a[0])?.nom ?? '').localeCompare(region(b[0])?.nom ?? '')).map(([key, n]) => ({ key, n }))}
              />
            )}
          </>
        ),
      }),
    );
  });

  for (const role of ['structure', 'conseiller', 'coordinateur'] as const) {
    app.get(`/tableau-de-bord/${role}`, { config: { access: `tableau-de-bord:${role}` } }, async (request, reply) => {
      const ids = structureIdsOf(request.user!, role);
      const scope = { all: false, departements: [], structureIds: ids };
      const [{ rows }, conseillers, coordinateurs, activites, dossiers, recrutement] = await Promise.all([
        listStructures(db, scope, { limit: 20 }),
        countUsersWithRoleInStructures(db, 'conseiller', ids),
        countUsersWithRoleInStructures(db, 'coordinateur', ids),
        activitesFigures(db, request.user!, role, ids),
        role === 'structure' ? dossiersOfStructures(db, ids) : Promise.resolve([]),
        role === 'structure' ? structuresFigures(db, ids) : Promise.resolve(null),
      ]);
      const convention = role === 'structure' && ids[0] ? conventionCourante(await conventionsDeStructure(db, ids[0])) : undefined;
      const intro = rows.map((s) => s.nom).join(', ');
      const actions =
        role === 'structure'
          ? actionsStructure({ conventionASigner: convention?.etat === 'en_construction' ? { id: convention.id, numero: convention.numero } : undefined, recrutement, conseillers })
          : role === 'coordinateur'
            ? actionsCoordinateur(activites.mine, activites.beneficiaires)
            : actionsConseiller(activites.mine, activites.beneficiaires);
      return reply.html(
        Dashboard({
          ctx: request.ctx(),
          role,
          intro,
          children: (
            <>
              <AFaire actions={actions} vide="Rien à faire pour le moment." />
              <StructureFileBlock dossiers={dossiers} />
              {role === 'structure' && dossiers.some((d) => d.postesValides > 0 || d.statut === 'VALIDATION_COSELEC') ? <StructureConventionBlock c={convention} /> : null}
              <StructureRecrutementBlock f={recrutement} />
              <ActivitesStats f={activites} />
              <p>
                {conseillers > 1 ? `${conseillers} conseillers` : `${conseillers} conseiller`} et {coordinateurs > 1 ? `${coordinateurs} coordinateurs` : `${coordinateurs} coordinateur`}{' '}
                {conseillers + coordinateurs > 1 ? 'ont' : 'a'} un compte dans {role === 'structure' ? (rows.length > 1 ? 'vos structures' : 'votre structure') : 'votre structure'}.
              </p>
              {rows.length === 0 ? (
                <EmptyState title="Aucune structure rattachée">
                  Votre compte n'est rattaché à aucune structure. Demandez à l'administrateur de la plateforme de vous y rattacher.
                </EmptyState>
              ) : (
                <StructureTable caption="Votre structure" rows={rows} />
              )}
              {role === 'structure' && conseillers === 0 ? (
                <EmptyState title="Aucun conseiller n'a encore de compte">
                  Demandez à l'ANCT d'inviter les conseillers de votre structure : chacun recevra un lien pour choisir son mot de passe.
                </EmptyState>
              ) : null}
            </>
          ),
        }),
      );
    });
  }

  app.get('/tableau-de-bord/candidat', { config: { access: 'tableau-de-bord:candidat' } }, async (request, reply) => {
    const f = await candidatFigures(db, request.user!.id);
    return reply.html(Dashboard({ ctx: request.ctx(), role: 'candidat', children: <CandidatBlock f={f} /> }));
  });
}
