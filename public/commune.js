/*
 * Commune fields (src/territoires/views/commune-field.tsx): suggestions as you type, in the ARIA 1.2
 * combobox pattern — the text field is the combobox, the suggestions a listbox; ↓/↑ move through
 * them, Entrée picks, Échap closes. A pick writes the commune's INSEE code in the form, tied to the
 * text it was picked for. Without this script the server resolves what was typed and offers a choice.
 */
const MAX = 8;

function setup(box) {
  const input = box.querySelector('input[type="text"]');
  const codeName = box.dataset.commune;
  if (!input || !codeName || input.dataset.cnCombobox) return;
  input.dataset.cnCombobox = '1';
  const list = document.createElement('ul');
  list.id = `${input.id}-suggestions`;
  list.className = 'cn-commune__liste';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Suggestions de communes');
  list.hidden = true;
  const status = document.createElement('p');
  status.className = 'fr-sr-only';
  status.setAttribute('aria-live', 'polite');
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);
  input.after(list, status);

  let items = [];
  let active = -1;
  let timer = 0;
  let pending = null;

  const hidden = (name) => {
    let field = box.querySelector(`input[type="hidden"][name="${name}"]`);
    if (!field) {
      field = document.createElement('input');
      field.type = 'hidden';
      field.name = name;
      box.append(field);
    }
    return field;
  };

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(i) {
    active = i;
    list.querySelectorAll('[role="option"]').forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', `${list.id}-${i}`);
      document.getElementById(`${list.id}-${i}`)?.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }

  function pick(c) {
    const label = `${c.nom} (${c.departement})`;
    input.value = label;
    // the choice offered by the server, if any, is replaced by this pick
    box.querySelector('fieldset')?.remove();
    hidden(codeName).value = c.code_insee;
    hidden(`${codeName}_pour`).value = label;
    status.textContent = `${label} choisie.`;
    close();
  }

  function render() {
    list.replaceChildren();
    items.forEach((c, i) => {
      const li = document.createElement('li');
      li.id = `${list.id}-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.className = 'cn-commune__option';
      li.textContent = `${c.nom} (${c.departement})`;
      if (c.codes_postaux && c.codes_postaux.length) {
        const small = document.createElement('span');
        small.className = 'fr-hint-text';
        small.textContent = c.codes_postaux.slice(0, 3).join(', ');
        li.append(small);
      }
      // mousedown, not click: the field keeps the focus
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        pick(c);
      });
      list.append(li);
    });
    const open = items.length > 0;
    list.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    status.textContent = open ? `${items.length} commune${items.length > 1 ? 's' : ''} proposée${items.length > 1 ? 's' : ''} : flèche du bas pour les parcourir.` : 'Aucune commune proposée.';
    active = -1;
  }

  async function suggest() {
    const q = input.value.trim();
    if (q.length < 2) {
      items = [];
      close();
      return;
    }
    pending?.abort();
    pending = new AbortController();
    try {
      const res = await fetch(`/api/v1/communes?q=${encodeURIComponent(q)}`, { headers: { accept: 'application/json' }, signal: pending.signal });
      if (!res.ok) return;
      const body = await res.json();
      items = (body.communes || []).slice(0, MAX);
      render();
    } catch {
      /* offline or superseded: the server resolves the text on submit */
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 200);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden) {
      if (e.key === 'ArrowDown' && items.length) {
        e.preventDefault();
        render();
        highlight(0);
      }
      return;
    }
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      highlight((active + 1) % items.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      pick(items[active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', close);
}

document.querySelectorAll('[data-commune]').forEach(setup);
