import { readFileSync } from 'node:fs';
import { ConfigError } from './platform/config.js';
import { LockError } from './platform/lock.js';
import { openRuntime, type Runtime } from './platform/runtime.js';
import { SYSTEM_ACTOR } from './audit/audit.js';
import { findUserByEmail, createUser, emailProblem, DuplicateEmailError } from './comptes/users.js';
import { createApiToken } from './comptes/tokens.js';
import { createPasswordLink } from './comptes/password-links.js';
import { ROLES, ROLE_NEEDS_DEPARTEMENT, ROLE_NEEDS_STRUCTURE, type Role } from './platform/access.js';
import { findStructureBySiret } from './structures/structures.js';
import { departement } from './territoires/territoires.js';
import { importCentres } from './territoires/centres.js';
import { resetDemo } from './demo/seed.js';
import { anonymiserInactifs, retentionMonths } from './activites/beneficiaires.js';
import { FichierIllisible, importerLieux, rapportTexte } from './lieux/import.js';
import pino from 'pino';

class UsageError extends Error {}

interface Command {
  usage: string;
  help: string;
  run(rt: Runtime, args: string[], opts: Record<string, string>): Promise<void>;
}

const COMMANDS: Record<string, Command> = {
  'beneficiaires:anonymiser': {
    usage: 'beneficiaires:anonymiser [--mois N]',
    help: 'Anonymise les bénéficiaires suivis sans activité depuis N mois (BENEFICIAIRES_RETENTION_MOIS, 12 par défaut). Le serveur le fait aussi chaque jour.',
    async run(rt, _args, opts) {
      const months = opts.mois ? Number(opts.mois) : retentionMonths();
      if (!Number.isInteger(months) || months < 1 || months > 120) throw new UsageError('--mois attend un nombre entier de mois, de 1 à 120.');
      const n = await anonymiserInactifs(rt.database.db, SYSTEM_ACTOR, { months });
      console.log(`${n} bénéficiaire${n > 1 ? 's' : ''} anonymisé${n > 1 ? 's' : ''} (sans activité depuis ${months} mois).`);
    },
  },
  migrate: {
    usage: 'migrate',
    help: 'Applique les migrations SQL en attente (elles le sont aussi à chaque démarrage).',
    async run() {
      console.log('Base à jour.');
    },
  },
  'demo:reset': {
    usage: 'demo:reset',
    help: 'Efface les comptes et structures de démonstration puis les recrée (les données réelles ne sont pas touchées).',
    async run(rt) {
      if (!rt.config.demo) {
        throw new UsageError('La démonstration est désactivée sur cette base (DEMO=0, ou DATABASE_URL sans DEMO=1) : demo:reset créerait des comptes au mot de passe public. Relancez avec DEMO=1 si c’est bien une base de démonstration.');
      }
      const r = await resetDemo(rt.database.db);
      console.log(`Démonstration recréée : ${r.structures} structures, ${r.accounts} comptes (mot de passe demo-conseiller-numerique).`);
    },
  },
  'tokens:create': {
    usage: 'tokens:create EMAIL [--nom NOM]',
    help: "Crée un jeton d'API personnel (Authorization: Bearer …) pour ce compte et l'affiche une seule fois.",
    async run(rt, args, opts) {
      const email = args[0];
      if (!email) throw new UsageError('Indiquez l’adresse électronique du compte.');
      const user = await findUserByEmail(rt.database.db, email);
      if (!user) throw new UsageError(`Aucun compte avec l’adresse ${email}.`);
      if (!user.active) throw new UsageError(`Le compte ${email} est désactivé.`);
      const { token } = await createApiToken(rt.database.db, SYSTEM_ACTOR, user.id, opts.nom ?? 'ligne de commande');
      console.log(token);
    },
  },
  'users:invite': {
    usage: 'users:invite EMAIL --role ROLE --prenom PRÉNOM --nom NOM [--departement 57] [--siret SIRET]',
    help: `Crée un compte et affiche son lien d’invitation (7 jours). Rôles : ${ROLES.join(', ')}. Sert à créer le premier administrateur.`,
    async run(rt, args, opts) {
      const email = args[0] ?? '';
      const problem = emailProblem(email);
      if (problem) throw new UsageError(problem);
      const role = opts.role as Role;
      if (!ROLES.includes(role)) throw new UsageError(`Rôle inconnu. Rôles : ${ROLES.join(', ')}.`);
      if (!opts.prenom || !opts.nom) throw new UsageError('Indiquez --prenom et --nom.');
      let structureId: string | null = null;
      if (ROLE_NEEDS_DEPARTEMENT.has(role) && !(opts.departement && departement(opts.departement))) {
        throw new UsageError('Ce rôle demande --departement (code du département, par exemple 57).');
      }
      if (ROLE_NEEDS_STRUCTURE.has(role)) {
        const s = opts.siret ? await findStructureBySiret(rt.database.db, opts.siret) : undefined;
        if (!s) throw new UsageError('Ce rôle demande --siret d’une structure existante.');
        structureId = s.id;
      }
      try {
        const user = await createUser(rt.database.db, SYSTEM_ACTOR, {
          email,
          firstName: opts.prenom,
          lastName: opts.nom,
          roles: [{ role, departement: ROLE_NEEDS_DEPARTEMENT.has(role) ? opts.departement! : null, structureId }],
        });
        const token = await createPasswordLink(rt.database.db, user.id, 'invitation');
        console.log(`Compte créé. Lien pour choisir le mot de passe (7 jours) :\n${rt.config.publicUrl}/mot-de-passe/nouveau?jeton=${token}`);
      } catch (e) {
        if (e instanceof DuplicateEmailError) throw new UsageError(e.message);
        throw e;
      }
    },
  },
  'lieux:import': {
    usage: 'lieux:import FICHIER [--source NOM]',
    help: "Importe des lieux : CSV du standard v1 (valeurs multiples « | »), CSV ou JSON de l'ancien standard v0.1, tableau JSON. Mise à jour par (source, id) ; un second import du même fichier ne change rien. Rapport ligne par ligne ; sortie non nulle seulement si le fichier est illisible.",
    async run(rt, args, opts) {
      const file = args[0];
      if (!file) throw new UsageError('Indiquez le fichier à importer.');
      let content: Buffer;
      try {
        content = readFileSync(file);
      } catch {
        throw new UsageError(`Fichier illisible : ${file}`);
      }
      try {
        const r = await importerLieux(rt.database.db, SYSTEM_ACTOR, content, { source: opts.source, fichier: file.split('/').pop() ?? file });
        for (const line of rapportTexte(r)) console.log(line);
      } catch (e) {
        if (e instanceof FichierIllisible) throw new UsageError(`Fichier illisible : ${e.message}`);
        throw e;
      }
    },
  },
  'territoires:import-centres': {
    usage: 'territoires:import-centres FICHIER.csv',
    help: 'Charge les centres des communes (colonnes code INSEE, latitude, longitude), par exemple ../shared/data/communes.csv.',
    async run(rt, args) {
      const file = args[0];
      if (!file) throw new UsageError('Indiquez le fichier CSV.');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new UsageError(`Fichier illisible : ${file}`);
      }
      const r = await importCentres(rt.database.db, text, file.split('/').pop() ?? file);
      console.log(`${r.imported} centres de communes importés, ${r.rejected.length} lignes rejetées.`);
      for (const x of r.rejected.slice(0, 50)) console.log(`  ligne ${x.line} : ${x.reason}`);
      if (r.rejected.length > 50) console.log(`  … et ${r.rejected.length - 50} autres.`);
    },
  },
};

function printHelp(): void {
  console.log('Utilisation : npm run cli -- <commande> [arguments]\n\nCommandes :');
  for (const c of Object.values(COMMANDS)) console.log(`  ${c.usage}\n      ${c.help}`);
  console.log('\nLa base utilisée est celle de DATABASE_URL, ou la base embarquée de DATA_DIR (./data par défaut).');
}

function parse(argv: string[]): { args: string[]; opts: Record<string, string> } {
  const args: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (v !== undefined) opts[k] = v;
      else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) opts[k] = argv[++i]!;
      else opts[k] = 'true';
    } else args.push(a);
  }
  return { args, opts };
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    printHelp();
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`Commande inconnue : ${name}\n`);
    printHelp();
    return 2;
  }
  const { args, opts } = parse(rest);
  if (opts.help) {
    console.log(`${cmd.usage}\n  ${cmd.help}`);
    return 0;
  }
  const rt = await openRuntime(`cli ${name}`, { logger: pino({ level: 'warn' }) });
  try {
    await cmd.run(rt, args, opts);
    return 0;
  } finally {
    await rt.shutdown();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof LockError || e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    console.error(e);
    process.exit(1);
  },
);
