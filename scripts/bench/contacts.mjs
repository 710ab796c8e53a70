// The contacts search benchmark's pure parts: a deterministic address book of realistic
// European and US contacts, the fixed list of queries people type, and the summary of a
// PostgreSQL EXPLAIN (ANALYZE, FORMAT JSON) plan. run.mjs seeds and measures with them.

/** A small, fast, seeded pseudo-random generator (mulberry32): the same seed, the same address book. */
export function randomSource(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  const digits = (n) => Array.from({ length: n }, () => int(0, 9)).join('');
  /** `weights` is [[value, weight], ...]. */
  const weighted = (weights) => {
    const total = weights.reduce((sum, [, w]) => sum + w, 0);
    let r = next() * total;
    for (const [value, w] of weights) if ((r -= w) < 0) return value;
    return weights.at(-1)[0];
  };
  return { next, int, pick, digits, weighted, chance: (p) => next() < p };
}

const FIRST = {
  FR: [
    'Hélène',
    'Émilie',
    'Agnès',
    'Françoise',
    'Jérôme',
    'Loïc',
    'Gaëlle',
    'Zoé',
    'Chloé',
    'Léa',
    'Noël',
    'Cécile',
    'Benoît',
    'Stéphane',
    'Amélie',
    'Inès',
    'Maël',
    'Anaïs',
    'Frédéric',
    'Mathéo',
    'Clément',
    'Océane',
    'Jean',
    'Marie',
    'Pierre',
    'Sophie',
    'Nicolas',
    'Julie',
    'Thomas',
    'Camille',
    'Antoine',
    'Manon',
    'Louis',
    'Claire',
    'Hugo',
    'Lucie',
    'Paul',
    'Sarah',
    'Julien',
    'Laura',
    'Maxime',
    'Pauline',
    'Olivier',
    'Nathalie',
    'Philippe',
    'Isabelle',
    'Christophe',
    'Sandrine',
    'Guillaume',
    'Valérie',
    'Éric',
    'Thérèse',
    'François',
    'Joël',
    'Aurélie',
  ],
  US: [
    'James',
    'Mary',
    'John',
    'Patricia',
    'Robert',
    'Jennifer',
    'Michael',
    'Linda',
    'William',
    'Elizabeth',
    'David',
    'Barbara',
    'Richard',
    'Susan',
    'Joseph',
    'Jessica',
    'Charles',
    'Karen',
    'Christopher',
    'Nancy',
    'Daniel',
    'Emily',
    'Matthew',
    'Ashley',
    'Anthony',
    'Megan',
    'Mark',
    'Hannah',
    'Steven',
    'Madison',
    'Andrew',
    'Olivia',
    'Ethan',
  ],
  GB: [
    'Oliver',
    'Amelia',
    'George',
    'Isla',
    'Harry',
    'Ava',
    'Jack',
    'Mia',
    'Charlotte',
    'Alfie',
    'Freya',
    'Archie',
    'Poppy',
    'Siobhán',
    'Seán',
    'Niamh',
    'Rhys',
    'Eleanor',
    'Harriet',
    'Alistair',
    'Fiona',
    'Graham',
    'Imogen',
  ],
  DE: [
    'Jürgen',
    'Jörg',
    'Björn',
    'Günther',
    'Käthe',
    'Lukas',
    'Leon',
    'Finn',
    'Jonas',
    'Mia',
    'Emma',
    'Hannah',
    'Lena',
    'Anna',
    'Sören',
    'Maximilian',
    'Felix',
    'Katharina',
    'Stefan',
    'Uwe',
    'Dörte',
    'Gisela',
    'Klaus',
    'Jens',
  ],
  ES: [
    'María',
    'José',
    'Ángel',
    'Íñigo',
    'Begoña',
    'Nuria',
    'Álvaro',
    'Lucía',
    'Sofía',
    'Martín',
    'Pablo',
    'Javier',
    'Carmen',
    'Raúl',
    'Andrés',
    'Inés',
    'Sergio',
    'Elena',
    'Jesús',
    'Rocío',
    'Adrián',
    'Marta',
    'Iván',
    'Pilar',
  ],
  IT: [
    'Niccolò',
    'Giuseppe',
    'Giovanni',
    'Francesca',
    'Chiara',
    'Alessandro',
    'Lorenzo',
    'Giulia',
    'Matteo',
    'Sofia',
    'Luca',
    'Federica',
    'Andrea',
    'Valentina',
    'Marco',
    'Elisa',
    'Davide',
    'Martina',
    'Simone',
    'Ilaria',
    'Nicolò',
  ],
};

const LAST = {
  FR: [
    'Martin',
    'Bernard',
    'Dubois',
    'Thomas',
    'Robert',
    'Richard',
    'Petit',
    'Durand',
    'Leroy',
    'Moreau',
    'Simon',
    'Laurent',
    'Lefèvre',
    'Michel',
    'Garcia',
    'David',
    'Bertrand',
    'Roux',
    'Vincent',
    'Fournier',
    'Morel',
    'Girard',
    'André',
    'Mercier',
    'Dupont',
    'Lambert',
    'Bonnet',
    'François',
    'Martinez',
    'Legrand',
    'Garnier',
    'Faure',
    'Rousseau',
    'Blanc',
    'Guérin',
    'Müller',
    'Henry',
    'Roussel',
    'Nicolas',
    'Perrin',
    'Mathieu',
    'Clément',
    'Gauthier',
    'Dumont',
    'Lopez',
    'Fontaine',
    'Chevalier',
    'Robin',
    'Masson',
    'Sanchez',
    'Gérard',
    'Nguyen',
    'Boyer',
    'Denis',
    'Lemaire',
    'Duval',
    'Joly',
    'Gautier',
    'Roger',
    'Roche',
    'Roy',
    'Noël',
    'Meyer',
    'Lucas',
    'Meunier',
    'Jean',
    'Pérez',
    'Marchand',
    'Dufour',
    'Blanchard',
    'Marie',
    'Barbier',
    'Brun',
    'Dumas',
    'Brunet',
    'Schmitt',
    'Leroux',
    'Colin',
    'Fernandez',
    'Pierre',
    'Renard',
    'Arnaud',
    'Rolland',
    'Caron',
    'Aubert',
    'Giraud',
    'Leclerc',
    'Vidal',
    'Bourgeois',
    'Renaud',
    'Lemoine',
    'Picard',
    'Gaillard',
    'Philippe',
    'Leclercq',
    'Lacroix',
    'Fabre',
    'Dupuis',
    'Olivier',
    'Rodriguez',
    'Da Silva',
    'Hubert',
    'Louis',
    'Charles',
    'Guillot',
    'Rivière',
    'Le Gall',
    'Guillaume',
    'Adam',
    'Rey',
    'Moulin',
    'Gonzalez',
    'Berger',
    'Lecomte',
    'Ménard',
    'Fleury',
    'Deschamps',
    'Carpentier',
    'Julien',
    'Benoît',
    'Paris',
    'Maillard',
    'Marchal',
    'Aubry',
    'Vasseur',
    'Le Roux',
    'Renault',
    'Jacquet',
    'Collet',
    'Prévost',
    'Poirier',
    'Charpentier',
    'Royer',
    'Huet',
    'Baron',
    'Dupuy',
    'Pons',
    'Paul',
    'Laine',
    'Carré',
    'Breton',
    'Rémy',
    'Schneider',
    'Perret',
    'Besson',
    'Hoarau',
    'Lefèbvre',
    'Côté',
    'Leblanc',
    'Barré',
    'Thibault',
    'Hervé',
    'Lebrun',
  ],
  US: [
    'Smith',
    'Johnson',
    'Williams',
    'Brown',
    'Jones',
    'Miller',
    'Davis',
    'Wilson',
    'Anderson',
    'Taylor',
    'Moore',
    'Jackson',
    'White',
    'Harris',
    'Thompson',
    'Clark',
    'Lewis',
    'Robinson',
    'Walker',
    'Young',
    'Allen',
    'King',
    'Wright',
    'Scott',
    'Hill',
    'Green',
    'Adams',
    'Baker',
    'Nelson',
    'Carter',
    'Mitchell',
    'Roberts',
    "O'Brien",
    'Murphy',
    'Cook',
    'Rogers',
    'Morgan',
    'Peterson',
    'Cooper',
    'Reed',
    'Bailey',
    'Kelly',
    'Howard',
    'Cox',
    'Ward',
  ],
  GB: [
    'Jones',
    'Evans',
    'Davies',
    'Hughes',
    'Edwards',
    'Roberts',
    'Wood',
    'Hall',
    'Turner',
    'Wright',
    'Patel',
    'Khan',
    'Thomas',
    'Jackson',
    'Clarke',
    'Lloyd',
    'Ó Súilleabháin',
    'MacDonald',
    'Fitzgerald',
    'Barnes',
    'Price',
    'Shaw',
  ],
  DE: [
    'Müller',
    'Schmidt',
    'Schneider',
    'Fischer',
    'Weber',
    'Meyer',
    'Wagner',
    'Becker',
    'Schulz',
    'Hoffmann',
    'Schäfer',
    'Koch',
    'Bauer',
    'Richter',
    'Klein',
    'Wolf',
    'Schröder',
    'Neumann',
    'Schwarz',
    'Zimmermann',
    'Krüger',
    'Hartmann',
    'Lange',
    'Köhler',
    'Groß',
    'Weiß',
    'Jäger',
    'Böhm',
    'Fuchs',
    'Vogel',
  ],
  ES: [
    'García',
    'Fernández',
    'González',
    'Rodríguez',
    'López',
    'Martínez',
    'Sánchez',
    'Pérez',
    'Gómez',
    'Martín',
    'Jiménez',
    'Ruiz',
    'Hernández',
    'Díaz',
    'Moreno',
    'Muñoz',
    'Álvarez',
    'Romero',
    'Alonso',
    'Gutiérrez',
    'Navarro',
    'Torres',
    'Domínguez',
    'Vázquez',
    'Ramos',
    'Gil',
    'Ramírez',
    'Serrano',
    'Blanco',
    'Núñez',
    'Iglesias',
    'Ortiz',
  ],
  IT: [
    'Rossi',
    'Russo',
    'Ferrari',
    'Esposito',
    'Bianchi',
    'Romano',
    'Colombo',
    'Ricci',
    'Marino',
    'Greco',
    'Bruno',
    'Gallo',
    'Conti',
    'De Luca',
    'Mancini',
    'Costa',
    'Giordano',
    'Rizzo',
    'Lombardi',
    'Moretti',
    'Barbieri',
    'Fontana',
    'Santoro',
    'Mariani',
    'Rinaldi',
    'Caruso',
    'Ferrara',
    'Galli',
    'Martini',
    'Leone',
    'Longo',
    "D'Angelo",
  ],
};

const COMPANIES = [
  'Crédit Agricole',
  'Société Générale',
  'BNP Paribas',
  'Decathlon',
  'Carrefour',
  'Leroy Merlin',
  'Orange',
  'SNCF',
  'Boulangerie Dupont',
  'Garage Lefèvre & Fils',
  'Pharmacie Centrale',
  'Plomberie Moreau',
  'Électricité Bernard',
  'Hôtel de la Gare',
  'Brasserie du Port',
  'Cabinet Rousseau Avocats',
  'Agence Immobilière Fontaine',
  'Café de Flore',
  'Siemens',
  'Deutsche Bahn',
  'Müller Logistik GmbH',
  'Bäckerei Schäfer',
  'Volkswagen',
  'Bosch',
  'Lufthansa',
  'Banco Santander',
  'Telefónica',
  'Iberdrola',
  'Construcciones Núñez',
  'Mercadona',
  'Fiat',
  'Ferrari',
  'Eni',
  'Trattoria da Niccolò',
  'Pasticceria Ricci',
  'Luxottica',
  'Acme Corp',
  'Globex',
  'Initech',
  'Stark Industries',
  'Wayne Enterprises',
  'Blue Bottle Coffee',
  'Golden Gate Dental',
  'Bay Area Plumbing',
  'Marks & Spencer',
  'Barclays',
  'Tesco',
  'British Telecom',
  'Vodafone',
  'Ørsted',
  'Nestlé',
  'L’Oréal',
  'Hermès',
  'Château Margaux',
  'Crèche Les Petits Loups',
  'Mairie de Lyon',
  'Clinique Saint-Jean',
  'Lycée Victor Hugo',
  'Auto-école Léon',
];

const MAIL_DOMAINS = {
  FR: ['gmail.com', 'orange.fr', 'free.fr', 'sfr.fr', 'laposte.net', 'hotmail.fr', 'yahoo.fr', 'outlook.fr'],
  US: ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'aol.com', 'hotmail.com'],
  GB: ['gmail.com', 'btinternet.com', 'hotmail.co.uk', 'yahoo.co.uk', 'outlook.com'],
  DE: ['gmail.com', 'gmx.de', 'web.de', 't-online.de', 'outlook.de'],
  ES: ['gmail.com', 'hotmail.es', 'yahoo.es', 'telefonica.net', 'outlook.es'],
  IT: ['gmail.com', 'libero.it', 'virgilio.it', 'alice.it', 'tiscali.it'],
};

const TAGS = [
  ['client', 0.2],
  ['fournisseur', 0.05],
  ['famille', 0.03],
  ['vip', 0.02],
];

/** ASCII for an email address: "Hélène Lefèvre" → "helenelefevre". */
const ascii = (text) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/ø/g, 'o')
    .replace(/[^a-z0-9]/g, '');

/** A national significant number of `country` (without the country code), not necessarily valid. */
function nationalNumber(r, country) {
  switch (country) {
    case 'FR':
      return r.chance(0.7) ? `${r.pick(['6', '7'])}${r.digits(8)}` : `${r.int(1, 5)}${r.digits(8)}`;
    case 'US':
      return `${r.pick(['212', '415', '646', '310', '617', '312', '202', '305', '206', '512', '718', '408', '650'])}${r.int(2, 9)}${r.digits(6)}`;
    case 'GB':
      return r.chance(0.75) ? `7${r.int(4, 9)}${r.digits(8)}` : `20${r.pick(['7', '3', '8'])}${r.digits(7)}`;
    case 'DE':
      return r.chance(0.8)
        ? `1${r.pick(['51', '52', '57', '60', '62', '70', '71', '72', '73', '75', '76', '77', '78', '79'])}${r.digits(8)}`
        : `30${r.digits(8)}`;
    case 'ES':
      return r.chance(0.75) ? `6${r.digits(8)}` : `9${r.int(1, 8)}${r.digits(7)}`;
    case 'IT':
      return r.chance(0.75) ? `3${r.int(2, 9)}${r.digits(8)}` : `06${r.digits(8)}`;
    default:
      throw new Error(`no numbering plan for ${country}`);
  }
}

const COUNTRY_CODE = { FR: '33', US: '1', GB: '44', DE: '49', ES: '34', IT: '39' };
const COUNTRY_SHARE = [
  ['FR', 45],
  ['US', 20],
  ['GB', 10],
  ['DE', 10],
  ['ES', 8],
  ['IT', 7],
];

/**
 * Contacts everyone can recognise in the results, first in the address book. "Hélène Martin" has
 * the number the other queries' fragments ("06 12", "+33 6", "612 34") come from.
 */
export const KNOWN_CONTACTS = [
  {
    phoneNumber: '+33612345678',
    firstName: 'Hélène',
    lastName: 'Martin',
    email: 'helene.martin@orange.fr',
    company: null,
    tags: ['famille', 'vip'],
  },
  {
    phoneNumber: '+33142685300',
    firstName: 'Jean',
    lastName: 'Dupont',
    email: 'jean.dupont@boulangerie-dupont.fr',
    company: 'Boulangerie Dupont',
    tags: ['fournisseur'],
  },
  {
    phoneNumber: '+14155238888',
    firstName: 'Emily',
    lastName: 'Carter',
    email: 'emily.carter@bluebottle.com',
    company: 'Blue Bottle Coffee',
    tags: ['client'],
  },
  {
    phoneNumber: '+4915112345678',
    firstName: 'Jürgen',
    lastName: 'Schäfer',
    email: 'j.schaefer@baeckerei-schaefer.de',
    company: 'Bäckerei Schäfer',
    tags: [],
  },
  {
    phoneNumber: '+34612345678',
    firstName: 'Íñigo',
    lastName: 'Núñez',
    email: null,
    company: 'Construcciones Núñez',
    tags: ['client', 'vip'],
  },
  {
    phoneNumber: '+33478123456',
    firstName: null,
    lastName: null,
    email: 'contact@clinique-saint-jean.fr',
    company: 'Clinique Saint-Jean',
    tags: ['client'],
  },
];

/**
 * `count` contacts, the known ones first, then pseudo-random ones from `seed`: names, companies
 * and emails in the country's language most of the time, E.164 numbers of FR, US, GB, DE, ES and
 * IT, each number once. `isValid(e164)` (libphonenumber's) rejects numbers no carrier would issue.
 * @returns {{ phoneNumber: string, firstName: string|null, lastName: string|null, email: string|null,
 *   company: string|null, tags: string[], isFavorite: boolean }[]}
 */
export function generateContacts(count, seed, isValid) {
  const r = randomSource(seed);
  const contacts = KNOWN_CONTACTS.slice(0, count).map((c) => ({ ...c, isFavorite: true }));
  const numbers = new Set(contacts.map((c) => c.phoneNumber));
  while (contacts.length < count) {
    const country = r.weighted(COUNTRY_SHARE);
    let phoneNumber;
    for (let attempt = 0; ; attempt++) {
      phoneNumber = `+${COUNTRY_CODE[country]}${nationalNumber(r, country)}`;
      if (!numbers.has(phoneNumber) && isValid(phoneNumber)) break;
      if (attempt > 100) throw new Error(`cannot make a valid ${country} number (last: ${phoneNumber})`);
    }
    numbers.add(phoneNumber);
    // Names from the number's country four times out of five; people move.
    const origin = r.chance(0.8) ? country : r.weighted(COUNTRY_SHARE);
    const shape = r.weighted([
      ['full', 88],
      ['first', 6],
      ['company', 4],
      ['last', 2],
    ]);
    const firstName = shape === 'full' || shape === 'first' ? r.pick(FIRST[origin]) : null;
    const lastName = shape === 'full' || shape === 'last' ? r.pick(LAST[origin]) : null;
    const company = shape === 'company' || r.chance(0.35) ? r.pick(COMPANIES) : null;
    let email = null;
    if (r.chance(0.65)) {
      const first = ascii(firstName ?? '');
      const last = ascii(lastName ?? '');
      const local =
        first && last
          ? r.weighted([
              [`${first}.${last}`, 5],
              [`${first[0]}.${last}`, 2],
              [`${first}${last}${r.int(1, 99)}`, 2],
              [`${last}.${first}`, 1],
            ])
          : first || last || 'contact';
      const domain = company && r.chance(0.6) ? `${ascii(company)}.com` : r.pick(MAIL_DOMAINS[country]);
      email = `${local}@${domain}`;
    }
    const tags = TAGS.filter(([, p]) => r.chance(p)).map(([tag]) => tag);
    contacts.push({ phoneNumber, firstName, lastName, email, company, tags, isFavorite: r.chance(0.01) });
  }
  return contacts;
}

/**
 * What people type in the search box, each with the kind it stands for. `list` and `tag` are the
 * two list requests without a search (first page by name; a tag filter), measured alongside.
 */
export const CONTACT_QUERIES = [
  { kind: 'prefix', query: 'hele' },
  { kind: 'prefix', query: 'mart' },
  { kind: 'full name', query: 'helene martin' },
  { kind: 'accented', query: 'Hélène' },
  { kind: 'upper case', query: 'DUPONT' },
  { kind: 'typo', query: 'marten' },
  { kind: 'typo', query: 'dupond' },
  { kind: 'company', query: 'boulangerie' },
  { kind: 'email', query: 'helene.martin@' },
  { kind: 'number', query: '06 12' },
  { kind: 'number', query: '+33 6' },
  { kind: 'number', query: '612 34' },
  { kind: 'number', query: '4155' },
  { kind: 'no match', query: 'xylophone' },
  { kind: 'short', query: 'a' },
  { kind: 'short', query: 'du' },
  { kind: 'list', query: null },
  { kind: 'tag', query: null, tags: 'vip' },
];

/** The request of a query: `GET /api/contacts?...&limit=50`. */
export function contactsPath({ query, tags }, limit = 50) {
  const params = new URLSearchParams();
  if (query !== null && query !== undefined) params.set('search', query);
  if (tags) params.set('tags', tags);
  params.set('limit', String(limit));
  return `/api/contacts?${params}`;
}

/** How a query is named in the tables. */
export const queryLabel = ({ query, tags }) =>
  query !== null && query !== undefined ? `"${query}"` : tags ? `tags=${tags}` : '(no search)';

/** Is this kind a search (what the 50 ms requirement is about), not a plain list? */
export const isSearch = (kind) => kind !== 'list' && kind !== 'tag';

/** p50, p95, p99 and max of some latencies (nearest rank), and how many. */
export function latencyStats(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (p) => (sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] : NaN);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.length ? sorted.at(-1) : NaN };
}

/**
 * One line for a PostgreSQL plan (EXPLAIN (ANALYZE, FORMAT JSON)'s `Plan`): each node with its
 * index or table, the rows it produced and its time; children in brackets, first child first.
 */
export function summarizePlan(plan) {
  const describe = (node) => {
    const what = [node['Node Type']];
    if (node['Parallel Aware']) what[0] = `Parallel ${what[0]}`;
    if (node['Index Name']) what.push(node['Index Name']);
    else if (node['Relation Name']) what.push(`on ${node['Relation Name']}`);
    if (node['Sort Method']) what.push(`(${node['Sort Method']})`);
    const loops = node['Actual Loops'] ?? 1;
    const rows = node['Actual Rows'] === undefined ? '' : ` ${Math.round(node['Actual Rows'] * loops)} rows`;
    const removed =
      (node['Rows Removed by Index Recheck'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)
        ? `, ${Math.round(((node['Rows Removed by Index Recheck'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * loops)} removed`
        : '';
    const time = node['Actual Total Time'] === undefined ? '' : ` ${node['Actual Total Time'].toFixed(1)} ms`;
    const children = node.Plans?.length ? ` [${node.Plans.map(describe).join('; ')}]` : '';
    return `${what.join(' ')}${rows}${removed}${time}${children}`;
  };
  return describe(plan);
}
