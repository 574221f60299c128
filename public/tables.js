/*
 * A DSFR table wider than the screen scrolls sideways (.fr-table > table { overflow: auto }): such a
 * table gets keyboard access (tabindex=0, so that the arrow keys scroll it), and loses it when it
 * fits again (WCAG 2.1.1; axe « scrollable-region-focusable »). Tables that fit keep no tab stop.
 */
function sync() {
  for (const table of document.querySelectorAll('.fr-table > table, .fr-table table')) {
    const scrolls = table.scrollWidth > table.clientWidth + 1 || table.scrollHeight > table.clientHeight + 1;
    if (scrolls && !table.hasAttribute('tabindex')) {
      table.setAttribute('tabindex', '0');
      table.dataset.cnDefilement = '1';
    } else if (!scrolls && table.dataset.cnDefilement) {
      table.removeAttribute('tabindex');
      delete table.dataset.cnDefilement;
    }
  }
}
let timer = 0;
addEventListener('resize', () => {
  clearTimeout(timer);
  timer = setTimeout(sync, 150);
});
// after DSFR has set its tables up (its shadows change their width)
addEventListener('load', sync);
sync();
// Printing the statistics: the charts' data tables (closed <details>) print open, and close again after
// (app.css does it with ::details-content where the browser has it).
addEventListener('beforeprint', () => {
  for (const d of document.querySelectorAll('.cn-statistiques details:not([open])')) {
    d.open = true;
    d.dataset.cnImpression = '1';
  }
});
addEventListener('afterprint', () => {
  for (const d of document.querySelectorAll('details[data-cn-impression]')) {
    d.open = false;
    delete d.dataset.cnImpression;
  }
});
