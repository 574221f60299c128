/**
 * Approximate coordinates (2 decimals, ~1 km) of each département's chef-lieu (préfecture).
 *
 * The reference package carries no coordinates. Until real commune centres are imported
 * (`importCentres`), a commune is placed at its département's chef-lieu and flagged
 * `centreApproximatif: true`: distances computed from it are only good to a few dozen km.
 */
export const CENTRES_DEPARTEMENTS: Readonly<Record<string, readonly [lat: number, lng: number]>> = {
  '01': [46.21, 5.23], // Bourg-en-Bresse
  '02': [49.56, 3.62], // Laon
  '03': [46.57, 3.33], // Moulins
  '04': [44.09, 6.24], // Digne-les-Bains
  '05': [44.56, 6.08], // Gap
  '06': [43.70, 7.27], // Nice
  '07': [44.74, 4.60], // Privas
  '08': [49.77, 4.72], // Charleville-Mézières
  '09': [42.97, 1.61], // Foix
  '10': [48.30, 4.08], // Troyes
  '11': [43.21, 2.35], // Carcassonne
  '12': [44.35, 2.57], // Rodez
  '13': [43.30, 5.37], // Marseille
  '14': [49.18, -0.37], // Caen
  '15': [44.93, 2.44], // Aurillac
  '16': [45.65, 0.16], // Angoulême
  '17': [46.16, -1.15], // La Rochelle
  '18': [47.08, 2.40], // Bourges
  '19': [45.27, 1.77], // Tulle
  '21': [47.32, 5.04], // Dijon
  '22': [48.51, -2.76], // Saint-Brieuc
  '23': [46.17, 1.87], // Guéret
  '24': [45.18, 0.72], // Périgueux
  '25': [47.24, 6.02], // Besançon
  '26': [44.93, 4.89], // Valence
  '27': [49.02, 1.15], // Évreux
  '28': [48.45, 1.49], // Chartres
  '29': [48.00, -4.10], // Quimper
  '2A': [41.93, 8.74], // Ajaccio
  '2B': [42.70, 9.45], // Bastia
  '30': [43.84, 4.36], // Nîmes
  '31': [43.60, 1.44], // Toulouse
  '32': [43.65, 0.59], // Auch
  '33': [44.84, -0.58], // Bordeaux
  '34': [43.61, 3.88], // Montpellier
  '35': [48.11, -1.68], // Rennes
  '36': [46.81, 1.69], // Châteauroux
  '37': [47.39, 0.69], // Tours
  '38': [45.19, 5.72], // Grenoble
  '39': [46.67, 5.55], // Lons-le-Saunier
  '40': [43.89, -0.50], // Mont-de-Marsan
  '41': [47.59, 1.33], // Blois
  '42': [45.44, 4.39], // Saint-Étienne
  '43': [45.04, 3.88], // Le Puy-en-Velay
  '44': [47.22, -1.55], // Nantes
  '45': [47.90, 1.91], // Orléans
  '46': [44.45, 1.44], // Cahors
  '47': [44.20, 0.62], // Agen
  '48': [44.52, 3.50], // Mende
  '49': [47.47, -0.55], // Angers
  '50': [49.12, -1.09], // Saint-Lô
  '51': [48.96, 4.36], // Châlons-en-Champagne
  '52': [48.11, 5.14], // Chaumont
  '53': [48.07, -0.77], // Laval
  '54': [48.69, 6.18], // Nancy
  '55': [48.77, 5.16], // Bar-le-Duc
  '56': [47.66, -2.76], // Vannes
  '57': [49.12, 6.18], // Metz
  '58': [46.99, 3.16], // Nevers
  '59': [50.63, 3.06], // Lille
  '60': [49.43, 2.08], // Beauvais
  '61': [48.43, 0.09], // Alençon
  '62': [50.29, 2.78], // Arras
  '63': [45.78, 3.08], // Clermont-Ferrand
  '64': [43.30, -0.37], // Pau
  '65': [43.23, 0.08], // Tarbes
  '66': [42.70, 2.90], // Perpignan
  '67': [48.58, 7.75], // Strasbourg
  '68': [48.08, 7.36], // Colmar
  '69': [45.76, 4.84], // Lyon
  '70': [47.62, 6.15], // Vesoul
  '71': [46.31, 4.83], // Mâcon
  '72': [48.00, 0.20], // Le Mans
  '73': [45.56, 5.92], // Chambéry
  '74': [45.90, 6.13], // Annecy
  '75': [48.86, 2.35], // Paris
  '76': [49.44, 1.10], // Rouen
  '77': [48.54, 2.66], // Melun
  '78': [48.80, 2.13], // Versailles
  '79': [46.32, -0.46], // Niort
  '80': [49.89, 2.30], // Amiens
  '81': [43.93, 2.15], // Albi
  '82': [44.02, 1.35], // Montauban
  '83': [43.12, 5.93], // Toulon
  '84': [43.95, 4.81], // Avignon
  '85': [46.67, -1.43], // La Roche-sur-Yon
  '86': [46.58, 0.34], // Poitiers
  '87': [45.83, 1.26], // Limoges
  '88': [48.17, 6.45], // Épinal
  '89': [47.80, 3.57], // Auxerre
  '90': [47.64, 6.86], // Belfort
  '91': [48.63, 2.44], // Évry-Courcouronnes
  '92': [48.89, 2.21], // Nanterre
  '93': [48.91, 2.44], // Bobigny
  '94': [48.79, 2.46], // Créteil
  '95': [49.04, 2.08], // Cergy
  '971': [16.00, -61.73], // Basse-Terre
  '972': [14.60, -61.07], // Fort-de-France
  '973': [4.94, -52.33], // Cayenne
  '974': [-20.88, 55.45], // Saint-Denis
  '976': [-12.78, 45.23], // Mamoudzou
};
