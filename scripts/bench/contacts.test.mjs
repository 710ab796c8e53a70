// node --test scripts/bench/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CONTACT_QUERIES,
  contactsPath,
  generateContacts,
  isSearch,
  KNOWN_CONTACTS,
  latencyStats,
  queryLabel,
  randomSource,
  summarizePlan,
} from './contacts.mjs';

const anyNumber = () => true;

test('the address book is the same for the same seed, and another for another seed', () => {
  const a = generateContacts(500, 42, anyNumber);
  assert.deepEqual(generateContacts(500, 42, anyNumber), a);
  assert.notDeepEqual(
    generateContacts(500, 43, anyNumber).slice(KNOWN_CONTACTS.length),
    a.slice(KNOWN_CONTACTS.length),
  );
});

test('the known contacts come first, then realistic ones: E.164 numbers once each, names with accents', () => {
  const contacts = generateContacts(3000, 7, anyNumber);
  assert.equal(contacts.length, 3000);
  assert.equal(contacts[0].firstName, 'Hélène');
  assert.equal(contacts[0].phoneNumber, '+33612345678');
  assert.equal(new Set(contacts.map((c) => c.phoneNumber)).size, 3000);
  for (const c of contacts) {
    assert.match(c.phoneNumber, /^\+(33|1|44|49|34|39)\d{8,12}$/);
    assert.ok(c.firstName || c.lastName || c.company, `${c.phoneNumber} has a name or a company`);
    if (c.email) assert.match(c.email, /^[a-z0-9.]+@[a-z0-9.-]+\.[a-z]+$/);
    assert.ok(Array.isArray(c.tags));
  }
  const countries = new Set(contacts.map((c) => /^\+(33|1|44|49|34|39)/.exec(c.phoneNumber)[1]));
  assert.equal(countries.size, 6);
  assert.ok(contacts.some((c) => /[éèêëàâäîïôöûüçñíóúß]/i.test(`${c.firstName} ${c.lastName}`)));
  assert.ok(contacts.some((c) => c.tags.includes('vip')));
});

test('numbers the validator rejects are drawn again', () => {
  const contacts = generateContacts(200, 1, (n) => !n.endsWith('7'));
  assert.ok(contacts.slice(KNOWN_CONTACTS.length).every((c) => !c.phoneNumber.endsWith('7')));
  assert.throws(() => generateContacts(KNOWN_CONTACTS.length + 1, 1, () => false), /cannot make a valid/);
});

test('the random source stays in its bounds', () => {
  const r = randomSource(9);
  for (let i = 0; i < 1000; i++) {
    const n = r.int(3, 5);
    assert.ok(n >= 3 && n <= 5 && Number.isInteger(n));
  }
  assert.equal(r.digits(6).length, 6);
});

test('queries: the requests, their names, searches apart from plain lists', () => {
  assert.equal(contactsPath({ query: 'Hélène' }), '/api/contacts?search=H%C3%A9l%C3%A8ne&limit=50');
  assert.equal(contactsPath({ query: '+33 6' }), '/api/contacts?search=%2B33+6&limit=50');
  assert.equal(contactsPath({ query: null }), '/api/contacts?limit=50');
  assert.equal(contactsPath({ query: null, tags: 'vip' }, 20), '/api/contacts?tags=vip&limit=20');
  assert.equal(queryLabel({ query: 'DUPONT' }), '"DUPONT"');
  assert.equal(queryLabel({ query: null, tags: 'vip' }), 'tags=vip');
  assert.equal(queryLabel({ query: null }), '(no search)');
  assert.ok(isSearch('typo') && !isSearch('list') && !isSearch('tag'));
  assert.ok(CONTACT_QUERIES.some((q) => q.kind === 'number') && CONTACT_QUERIES.some((q) => q.kind === 'list'));
});

test('latency statistics: nearest rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  assert.deepEqual(latencyStats(values), { n: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  assert.deepEqual(latencyStats([7]), { n: 1, p50: 7, p95: 7, p99: 7, max: 7 });
  assert.ok(Number.isNaN(latencyStats([]).p99));
});

test('a plan in one line: nodes, index or table, rows, removed rows, time, children', () => {
  const plan = {
    'Node Type': 'Limit',
    'Actual Rows': 50,
    'Actual Loops': 1,
    'Actual Total Time': 232.25,
    Plans: [
      {
        'Node Type': 'Sort',
        'Sort Method': 'top-N heapsort',
        'Actual Rows': 50,
        'Actual Loops': 1,
        'Actual Total Time': 232.2,
        Plans: [
          {
            'Node Type': 'Bitmap Heap Scan',
            'Relation Name': 'contacts',
            'Actual Rows': 17773,
            'Actual Loops': 1,
            'Rows Removed by Index Recheck': 6,
            'Actual Total Time': 221.7,
            Plans: [
              { 'Node Type': 'Bitmap Index Scan', 'Index Name': 'a_idx', 'Actual Rows': 1, 'Actual Total Time': 0.04 },
              {
                'Node Type': 'Bitmap Index Scan',
                'Index Name': 'b_idx',
                'Actual Rows': 17779,
                'Actual Total Time': 1.5,
              },
            ],
          },
        ],
      },
    ],
  };
  assert.equal(
    summarizePlan(plan),
    'Limit 50 rows 232.3 ms [Sort (top-N heapsort) 50 rows 232.2 ms [Bitmap Heap Scan on contacts 17773 rows, 6 ' +
      'removed 221.7 ms [Bitmap Index Scan a_idx 1 rows 0.0 ms; Bitmap Index Scan b_idx 17779 rows 1.5 ms]]]',
  );
  assert.equal(
    summarizePlan({
      'Node Type': 'Seq Scan',
      'Parallel Aware': true,
      'Relation Name': 't',
      'Actual Rows': 10,
      'Actual Loops': 3,
    }),
    'Parallel Seq Scan on t 30 rows',
  );
});
