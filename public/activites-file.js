/*
 * The offline queue of activity entries, shared by the page island (activites-saisie.js) and the
 * service worker (activites-sw.js): a classic script that defines self.CnFileActivites.
 * Entries: { id, payload (API shape, id = client UUID), statut: 'en_attente' | 'rejetee', raisons, csrf,
 * utilisateur }. `utilisateur` is the id of the signed-in user whose form queued the entry (the form's
 * data-utilisateur / hidden _utilisateur field): on a shared device, an entry is only ever shown, offered
 * back or sent by a page of that same user (see mine()); other users' entries stay untouched.
 */
(function () {
  var DB_NAME = 'cn-activites';
  var STORE = 'file';

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(STORE, { keyPath: 'id' });
      };
      req.onsuccess = function () {
        resolve(req.result);
      };
      req.onerror = function () {
        reject(req.error);
      };
    });
  }

  function run(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var req = fn(t.objectStore(STORE));
        t.oncomplete = function () {
          db.close();
          resolve(req && 'result' in req ? req.result : undefined);
        };
        t.onerror = function () {
          db.close();
          reject(t.error);
        };
      });
    });
  }

  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  var GENRES = ['masculin', 'feminin'];
  var AGES = ['moins_de_douze', 'douze_dix_huit', 'dix_huit_vingt_quatre', 'vingt_cinq_trente_neuf', 'quarante_cinquante_neuf', 'soixante_soixante_neuf', 'soixante_dix_plus'];
  var STATUTS = ['scolarise', 'sans_emploi', 'en_emploi', 'retraite'];

  /** Form fields → API payload: the same mapping as formToPayload in src/activites/validation.ts. */
  function payloadOf(fd) {
    var one = function (k) {
      return (fd.get(k) || '').toString().trim();
    };
    var many = function (k) {
      return fd
        .getAll(k)
        .map(function (v) {
          return v.toString().trim();
        })
        .filter(Boolean);
    };
    var num = function (s) {
      return s === '' ? undefined : /^-?\d+$/.test(s) ? Number(s) : s;
    };
    var orNull = function (s) {
      return s === '' ? null : s;
    };
    var type = one('type');
    var duree = one('duree') === 'autre' || one('duree') === '' ? one('duree_autre') : one('duree');
    var lieuChoice = one('lieu');
    var lieu =
      lieuChoice.indexOf('lieu_activite:') === 0
        ? { type: 'lieu_activite', lieu_id: lieuChoice.slice('lieu_activite:'.length) }
        : { type: lieuChoice || undefined };
    // the code picked for the text in the field (or sent alone), else the text, resolved by the server
    if (!lieu.lieu_id) {
      if (one('commune_insee') && one('commune_insee_pour') === one('commune')) lieu.commune_insee = one('commune_insee');
      else if (one('commune')) lieu.commune = one('commune');
    }
    var p = {
      id: UUID.test(one('id')) ? one('id').toLowerCase() : self.crypto.randomUUID(),
      type: orNull(type),
      date: one('date'),
      duree_minutes: num(duree),
      lieu: lieu,
      thematiques: many('thematiques'),
      thematiques_demarches: many('thematiques_demarches'),
      nom_demarche: orNull(one('nom_demarche')),
      materiel: many('materiel'),
      autonomie: type === 'individuel' ? orNull(one('autonomie')) : null,
      orientation: orNull(one('orientation')),
      beneficiaire_id: type === 'collectif' ? null : orNull(one('beneficiaire_id')),
      notes: orNull(one('notes')),
    };
    if (type && type !== 'collectif') {
      var personne = { genre: orNull(one('personne_genre')), tranche_age: orNull(one('personne_age')), statut: orNull(one('personne_statut')) };
      if (personne.genre || personne.tranche_age || personne.statut) p.personne = personne;
    }
    if (type === 'collectif') {
      var counts = function (prefix, codes) {
        var out = {};
        codes.forEach(function (c) {
          var v = one(prefix + '_' + c);
          if (v !== '') out[c] = num(v);
        });
        return out;
      };
      p.titre_atelier = orNull(one('titre_atelier'));
      p.niveau_atelier = orNull(one('niveau_atelier'));
      p.participants = {
        total: num(one('participants_total')),
        deja_accompagnes: num(one('participants_deja_accompagnes')),
        genres: counts('genre', GENRES),
        tranches_age: counts('age', AGES),
        statuts: counts('statut', STATUTS),
      };
    }
    return p;
  }

  var api = {
    all: function () {
      return run('readonly', function (s) {
        return s.getAll();
      }).then(function (r) {
        return r || [];
      });
    },
    put: function (entry) {
      return run('readwrite', function (s) {
        return s.put(entry);
      });
    },
    remove: function (id) {
      return run('readwrite', function (s) {
        return s.delete(id);
      });
    },
    payloadOf: payloadOf,
    /** The entries of one user (none without a user id: an entry of unknown owner is never sent). */
    mine: function (utilisateur) {
      return api.all().then(function (entries) {
        return utilisateur
          ? entries.filter(function (e) {
              return e.utilisateur === utilisateur;
            })
          : [];
      });
    },
    /**
     * Queues the entry of a form. Its id is the form's (so that a post that did reach the server is
     * not duplicated when replayed), unless that id already waits in the queue: then a new UUID.
     */
    queueForm: function (fd, utilisateur) {
      var owner = (utilisateur || fd.get('_utilisateur') || '').toString();
      if (!owner) return Promise.reject(new Error('utilisateur inconnu'));
      var payload = payloadOf(fd);
      return api.all().then(function (entries) {
        if (
          entries.some(function (e) {
            return e.id === payload.id;
          })
        )
          payload.id = self.crypto.randomUUID();
        var entry = { id: payload.id, payload: payload, statut: 'en_attente', csrf: (fd.get('_csrf') || '').toString(), utilisateur: owner, saisieLe: new Date().toISOString() };
        return api.put(entry).then(function () {
          return entry;
        });
      });
    },
  };
  self.CnFileActivites = api;
})();
