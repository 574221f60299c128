// Live character counters for long text fields (an enhancement: the server checks the length anyway).
for (const field of document.querySelectorAll('textarea[data-compteur]')) {
  const out = document.getElementById(field.dataset.compteur);
  if (!out) continue;
  const max = Number(field.getAttribute('maxlength')) || 0;
  let timer = 0;
  const update = () => {
    const n = field.value.length;
    out.textContent = `${n} / ${max} caractères${max && n > max * 0.9 ? ` (reste ${Math.max(0, max - n)})` : ''}`;
  };
  // Announce after a pause in typing, not at every keystroke.
  field.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(update, 400);
  });
}
