// The finder's enhancements (the page works without them):
// « Autour de moi » asks the browser for its position and searches around it;
// « Afficher la carte » loads Leaflet only when asked, and shows the listed places.
const autour = document.getElementById('autour-de-moi');
const etat = document.getElementById('autour-de-moi-etat');
if (autour && 'geolocation' in navigator) {
  autour.hidden = false;
  autour.addEventListener('click', () => {
    if (etat) etat.textContent = 'Recherche de votre position…';
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const params = new URLSearchParams(new FormData(document.getElementById('recherche')));
        params.delete('q');
        params.delete('commune');
        params.set('lat', pos.coords.latitude.toFixed(5));
        params.set('lon', pos.coords.longitude.toFixed(5));
        window.location.assign('/trouver?' + params.toString());
      },
      () => {
        if (etat) etat.textContent = "Votre position n'est pas disponible : saisissez une commune ou un code postal.";
      },
      { timeout: 10000, maximumAge: 300000 },
    );
  });
}

const bouton = document.getElementById('afficher-carte');
const conteneur = document.getElementById('carte');
if (bouton && conteneur) {
  bouton.hidden = false;
  bouton.addEventListener('click', async () => {
    bouton.disabled = true;
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/static/leaflet/leaflet.css';
    document.head.append(css);
    const L = await import('/static/leaflet/leaflet-src.esm.js');
    conteneur.hidden = false;
    bouton.hidden = true;
    const map = L.map(conteneur);
    L.tileLayer(bouton.dataset.tiles, { attribution: bouton.dataset.attribution, maxZoom: 19 }).addTo(map);
    const points = [];
    for (const li of document.querySelectorAll('.cn-lieu[data-lat]')) {
      const ll = [Number(li.dataset.lat), Number(li.dataset.lng)];
      points.push(ll);
      const a = document.createElement('a');
      a.href = '/lieux/' + li.dataset.id;
      a.textContent = li.dataset.nom;
      L.circleMarker(ll, { radius: 8 }).addTo(map).bindPopup(a);
    }
    if (points.length) map.fitBounds(points, { padding: [20, 20], maxZoom: 15 });
  });
}
