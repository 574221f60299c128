/*
 * Island of the activity pages (progressive enhancement: everything works without it).
 * - Shows the workshop / autonomy / procedure fields only when they apply.
 * - Registers the offline service worker (/activites/sw.js, scope /activites/).
 * - Without network, an entry is kept in IndexedDB under a client UUID (activites-file.js; the
 *   service worker does the same when a post fails on a network that claims to be up), then sent to
 *   POST /api/v1/activites when the network returns. The server stores by that UUID: a replay never
 *   duplicates. A refused entry stays here, shown with the server's reasons, until removed.
 * - Shared devices: every queued entry carries the id of the user who saved it; this page shows,
 *   offers back and sends only the entries of its own user (data-utilisateur, rendered by the
 *   server for the signed-in user). Another user's entries stay in the queue, untouched.
 */
const form = document.getElementById('form-activite');
const panel = document.getElementById('file-attente');
const owner = (form && form.dataset.utilisateur) || (panel && panel.dataset.utilisateur) || '';

// ---------------------------------------------------------------------------------------------
// Fields that apply to one type only

function toggle(id, visible) {
  const el = document.getElementById(id);
  if (el) el.classList.toggle('cn-masque', !visible);
}

function syncFields() {
  if (!form) return;
  const checked = form.querySelector('input[name="type"]:checked');
  const type = checked ? checked.value : '';
  toggle('bloc-atelier', type === 'collectif' || type === '');
  toggle('bloc-autonomie', type !== 'collectif');
  toggle('bloc-personne', type !== 'collectif');
  const lieu = form.querySelector('input[name="lieu"]:checked');
  toggle('bloc-commune', !lieu || !lieu.value.startsWith('lieu_activite:'));
  const demarches = form.querySelector('input[name="thematiques"][value="aide_aux_demarches_administratives"]');
  toggle('bloc-demarches', !demarches || demarches.checked || form.querySelector('input[name="thematiques_demarches"]:checked') !== null);
  const duree = form.querySelector('input[name="duree"]:checked');
  const autre = document.getElementById('champ-duree_autre');
  if (autre) autre.closest('.fr-input-group').classList.toggle('cn-masque', !!duree && duree.value !== 'autre');
}

if (form) {
  form.addEventListener('change', syncFields);
  syncFields();
  // A form kept by the service worker may open on a later day: today's date by default, in Paris.
  const date = form.elements.namedItem('date');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  if (form.dataset.offline === 'oui' && date && form.dataset.aujourdhui && date.value === form.dataset.aujourdhui && today > date.value) date.value = today;
}

// ---------------------------------------------------------------------------------------------
// The queue (IndexedDB), shared with the service worker: /static/activites-file.js

const F = self.CnFileActivites;
const queueAll = () => F.mine(owner);
const queuePut = (entry) => F.put(entry);
const queueDelete = (id) => F.remove(id);

// ---------------------------------------------------------------------------------------------
// Panel: what waits, what was refused

const TYPE_LABELS = { individuel: 'accompagnement individuel', collectif: 'atelier collectif', ponctuel: 'aide ponctuelle' };
let lastMessage = '';

function frDate(d) {
  return /^\d{4}-\d{2}-\d{2}$/.test(d || '') ? d.split('-').reverse().join('/') : d || 'sans date';
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function render() {
  if (!panel) return;
  let entries = [];
  try {
    entries = await queueAll();
  } catch {
    return;
  }
  panel.replaceChildren();
  const waiting = entries.filter((e) => e.statut === 'en_attente');
  const refused = entries.filter((e) => e.statut === 'rejetee');
  if (waiting.length) {
    const box = el('div', 'fr-alert fr-alert--info fr-alert--sm');
    box.append(el('p', '', `${waiting.length} activité${waiting.length > 1 ? 's' : ''} en attente d'envoi : elle${waiting.length > 1 ? 's seront envoyées' : ' sera envoyée'} au retour du réseau.`));
    box.dataset.enAttente = String(waiting.length);
    panel.append(box);
  } else if (lastMessage) {
    const box = el('div', 'fr-alert fr-alert--success fr-alert--sm');
    box.append(el('p', '', lastMessage));
    panel.append(box);
  }
  if (refused.length) {
    const box = el('div', 'fr-alert fr-alert--error');
    box.append(el('h2', 'fr-alert__title', `${refused.length} activité${refused.length > 1 ? 's' : ''} saisie${refused.length > 1 ? 's' : ''} hors ligne refusée${refused.length > 1 ? 's' : ''}`));
    const list = el('ul');
    for (const e of refused) {
      const li = el('li');
      li.append(el('span', '', `Activité du ${frDate(e.payload.date)} (${TYPE_LABELS[e.payload.type] || 'type non choisi'}) : ${(e.raisons || []).join(' ; ')} `));
      const again = el('button', 'fr-btn fr-btn--sm fr-btn--tertiary', 'Reprendre dans le formulaire');
      again.type = 'button';
      again.addEventListener('click', () => {
        if (!form) {
          location.href = '/activites/nouvelle';
          return;
        }
        fill(e.payload);
        queueDelete(e.id).then(render);
      });
      const drop = el('button', 'fr-btn fr-btn--sm fr-btn--tertiary', 'Retirer');
      drop.type = 'button';
      drop.addEventListener('click', () => queueDelete(e.id).then(render));
      li.append(again, drop);
      list.append(li);
    }
    box.append(list);
    panel.append(box);
  }
}

/** Puts a refused entry back into the form, for correction. */
function fill(p) {
  const set = (name, value) => {
    const f = form.elements.namedItem(name);
    if (f && 'value' in f && !(f instanceof RadioNodeList)) f.value = value ?? '';
  };
  for (const input of form.querySelectorAll('input[type="checkbox"]')) input.checked = false;
  const check = (name, values) => {
    for (const v of values || []) {
      const i = form.querySelector(`input[name="${name}"][value="${CSS.escape(v)}"]`);
      if (i) i.checked = true;
    }
  };
  const radio = (name, value) => {
    const i = form.querySelector(`input[name="${name}"][value="${CSS.escape(String(value))}"]`);
    if (i) i.checked = true;
  };
  radio('type', p.type);
  set('date', p.date);
  const presets = ['15', '30', '45', '60', '90', '120'];
  if (presets.includes(String(p.duree_minutes))) radio('duree', p.duree_minutes);
  else {
    radio('duree', 'autre');
    set('duree_autre', p.duree_minutes);
  }
  if (p.lieu) {
    radio('lieu', p.lieu.type === 'lieu_activite' ? `lieu_activite:${p.lieu.lieu_id}` : p.lieu.type);
    // the code, as sent, stands for itself until the text is changed; a typed text is given back as typed
    set('commune', p.lieu.commune || p.lieu.commune_insee || '');
  }
  for (const input of form.querySelectorAll('input[name^="personne_"]')) input.checked = false;
  if (p.personne) {
    if (p.personne.genre) radio('personne_genre', p.personne.genre);
    if (p.personne.tranche_age) radio('personne_age', p.personne.tranche_age);
    if (p.personne.statut) radio('personne_statut', p.personne.statut);
  }
  check('thematiques', p.thematiques);
  check('thematiques_demarches', p.thematiques_demarches);
  check('materiel', p.materiel);
  for (const k of ['nom_demarche', 'autonomie', 'orientation', 'beneficiaire_id', 'notes', 'titre_atelier', 'niveau_atelier']) set(k, p[k]);
  syncFields();
  form.scrollIntoView();
}

// ---------------------------------------------------------------------------------------------
// Sending

function csrfToken() {
  const i = document.querySelector('input[name="_csrf"]');
  return i ? i.value : '';
}

let syncing = false;
async function sync() {
  if (syncing || !navigator.onLine || !owner) return;
  syncing = true;
  let sent = 0;
  try {
    const entries = await queueAll();
    for (const entry of entries) {
      if (entry.statut !== 'en_attente') continue;
      let res;
      try {
        res = await fetch('/api/v1/activites', {
          method: 'POST',
          credentials: 'same-origin',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'x-csrf-token': csrfToken() || entry.csrf || '',
            // the server refuses (403) when the session is now another user's (another tab signed in)
            'x-cn-utilisateur': owner,
          },
          body: JSON.stringify(entry.payload),
        });
      } catch {
        break; // still no network: try again later
      }
      if (res.status === 200 || res.status === 201) {
        await queueDelete(entry.id);
        sent++;
      } else if (res.status === 401 || res.status === 403 || res.status >= 500) {
        if (res.status !== 500) lastMessage = 'Reconnectez-vous pour envoyer les activités saisies hors ligne.';
        break;
      } else {
        const problem = await res.json().catch(() => ({}));
        const reasons = (problem.invalid_params || []).map((p) => p.reason);
        entry.statut = 'rejetee';
        entry.raisons = reasons.length ? reasons : [problem.detail || problem.title || `Refusée (erreur ${res.status}).`];
        await queuePut(entry);
      }
    }
    if (sent) lastMessage = `${sent} activité${sent > 1 ? 's' : ''} saisie${sent > 1 ? 's' : ''} hors ligne envoyée${sent > 1 ? 's' : ''}.`;
  } catch {
    /* IndexedDB unavailable (private mode…): nothing queued */
  } finally {
    syncing = false;
    await render();
  }
}

if (F && form && form.dataset.offline === 'oui' && 'indexedDB' in window && window.crypto && crypto.randomUUID) {
  form.addEventListener('submit', async (event) => {
    if (navigator.onLine) return; // online: the ordinary form post, validated and answered by the server
    event.preventDefault();
    try {
      await F.queueForm(new FormData(form), owner);
      // the next entry gets its own identifier
      const idField = form.elements.namedItem('id');
      if (idField) idField.value = crypto.randomUUID();
      lastMessage = '';
      const notes = form.elements.namedItem('notes');
      if (notes) notes.value = '';
      await render();
      panel?.scrollIntoView();
    } catch {
      form.submit();
    }
  });
}

window.addEventListener('online', () => void sync());
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/activites/sw.js', { scope: '/activites/' }).catch(() => undefined);
}
if (F) {
  render().then(sync);
  setInterval(() => void sync(), 30_000);
}
