import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import { usageRecords } from '../../src/modules/billing/billing.table.js';
import { conversationIdOf } from '../../src/modules/messaging/conversation-id.js';
import { fromCarrierStatus, isForward } from '../../src/modules/messaging/message-status.js';
import { createMessagingRepository, type NewMessage } from '../../src/modules/messaging/messaging.repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let repo: ReturnType<typeof createMessagingRepository>;
beforeAll(async () => {
  database = await createTestDatabase();
  repo = createMessagingRepository(database.handle.db);
});
afterAll(async () => {
  await database.drop();
});

const MINE = '+33639980001';
const OTHER_LINE = '+33639980002';
const ALICE = '+33612345678';
const BOB = '+33698765432';

async function newUser(): Promise<string> {
  const [row] = await database.handle.db
    .insert(users)
    .values({ email: `m-${crypto.randomUUID()}@example.com`, passwordHash: 'x' })
    .returning({ id: users.id });
  return row!.id;
}

let clock = Date.UTC(2026, 10, 1, 9, 0, 0);
function message(userId: string, over: Partial<NewMessage> & Pick<NewMessage, 'direction'>): NewMessage {
  clock += 60_000;
  const mine = over.direction === 'OUTBOUND' ? (over.fromNumber ?? MINE) : (over.toNumber ?? MINE);
  const theirs = over.direction === 'OUTBOUND' ? (over.toNumber ?? ALICE) : (over.fromNumber ?? ALICE);
  return {
    userId,
    conversationId: conversationIdOf(userId, mine, theirs),
    fromNumber: over.direction === 'OUTBOUND' ? mine : theirs,
    toNumber: over.direction === 'OUTBOUND' ? theirs : mine,
    status: over.direction === 'OUTBOUND' ? 'QUEUED' : 'RECEIVED',
    createdAt: new Date(clock),
    ...over,
  };
}

describe('conversation ids', () => {
  it('are stable per (user, my number, their number) and differ across users and lines', () => {
    expect(conversationIdOf('u1', MINE, ALICE)).toBe(conversationIdOf('u1', MINE, ALICE));
    expect(conversationIdOf('u1', MINE, ALICE)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(conversationIdOf('u2', MINE, ALICE)).not.toBe(conversationIdOf('u1', MINE, ALICE));
    expect(conversationIdOf('u1', OTHER_LINE, ALICE)).not.toBe(conversationIdOf('u1', MINE, ALICE));
  });
});

describe('message statuses', () => {
  it('only move forward: a late SENT never overwrites DELIVERED', () => {
    expect(isForward('QUEUED', 'SENT')).toBe(true);
    expect(isForward('SENT', 'DELIVERED')).toBe(true);
    expect(isForward('DELIVERED', 'SENT')).toBe(false);
    expect(isForward('DELIVERED', 'UNDELIVERED')).toBe(false);
    expect(isForward('SENDING', 'SENDING')).toBe(false);
  });

  it('reads the carrier’s statuses, ignoring ones we do not track', () => {
    expect(fromCarrierStatus('delivered')).toBe('DELIVERED');
    expect(fromCarrierStatus('undelivered')).toBe('UNDELIVERED');
    expect(fromCarrierStatus('canceled')).toBe('FAILED');
    expect(fromCarrierStatus('partially_delivered')).toBeUndefined();
  });
});

describe('messaging repository', () => {
  it('groups both directions into one conversation, newest first, with unread inbound counts', async () => {
    const userId = await newUser();
    await repo.insert(message(userId, { direction: 'OUTBOUND', toNumber: ALICE }));
    await repo.insert(message(userId, { direction: 'INBOUND', fromNumber: ALICE }));
    await repo.insert(message(userId, { direction: 'INBOUND', fromNumber: ALICE }));
    await repo.insert(message(userId, { direction: 'INBOUND', fromNumber: BOB }));

    const { items, total } = await repo.listConversations(userId, undefined, { limit: 10, offset: 0 });
    expect(total).toBe(2);
    expect(items.map((i) => i.last.fromNumber)).toEqual([BOB, ALICE]);
    expect(items.map((i) => i.unread)).toEqual([1, 2]);

    const page = await repo.listConversations(userId, undefined, { limit: 1, offset: 1 });
    expect(page.items.map((i) => i.last.fromNumber)).toEqual([ALICE]);
    expect(page.total).toBe(2);
  });

  it('filters conversations and threads by my line', async () => {
    const userId = await newUser();
    await repo.insert(message(userId, { direction: 'OUTBOUND', fromNumber: MINE, toNumber: ALICE }));
    await repo.insert(message(userId, { direction: 'OUTBOUND', fromNumber: OTHER_LINE, toNumber: ALICE }));
    expect((await repo.listConversations(userId, MINE, { limit: 10, offset: 0 })).total).toBe(1);
    expect((await repo.listConversation(userId, ALICE, undefined, { limit: 10, offset: 0 })).total).toBe(2);
    expect((await repo.listConversation(userId, ALICE, OTHER_LINE, { limit: 10, offset: 0 })).total).toBe(1);
  });

  it('never shows one user’s messages to another, nor lets them mark or delete them', async () => {
    const owner = await newUser();
    const stranger = await newUser();
    const row = await repo.insert(message(owner, { direction: 'INBOUND', fromNumber: ALICE }));
    expect(await repo.findOwned(stranger, row.id)).toBeUndefined();
    expect(await repo.markRead(stranger, row.id, new Date())).toBeUndefined();
    expect(await repo.softDelete(stranger, row.id, new Date())).toBe(false);
    expect((await repo.listConversations(stranger, undefined, { limit: 10, offset: 0 })).total).toBe(0);
    expect((await repo.findOwned(owner, row.id))?.readAt).toBeNull();
  });

  it('marks read once (the first time stays) and soft-deletes by erasing the content', async () => {
    const userId = await newUser();
    const row = await repo.insert(message(userId, { direction: 'INBOUND', body: 'sealed-body' }));
    const first = new Date(Date.UTC(2026, 10, 2));
    expect((await repo.markRead(userId, row.id, first))?.readAt).toEqual(first);
    expect((await repo.markRead(userId, row.id, new Date(Date.UTC(2026, 10, 3))))?.readAt).toEqual(first);
    expect(await repo.softDelete(userId, row.id, new Date())).toBe(true);
    expect(await repo.findOwned(userId, row.id)).toBeUndefined();
    const kept = await repo.findById(row.id);
    expect(kept?.body).toBeNull();
    expect(kept?.deletedAt).not.toBeNull();
  });

  it('moves a status only from the expected one and appends to the timeline', async () => {
    const userId = await newUser();
    const row = await repo.insert(
      message(userId, { direction: 'OUTBOUND', statusHistory: [{ status: 'QUEUED', at: '2026-11-01T09:00:00.000Z' }] }),
    );
    const at = new Date(Date.UTC(2026, 10, 1, 9, 5));
    const moved = await repo.transition(row.id, 'QUEUED', { status: 'SENDING' }, at);
    expect(moved?.status).toBe('SENDING');
    expect(moved?.statusHistory).toEqual([
      { status: 'QUEUED', at: '2026-11-01T09:00:00.000Z' },
      { status: 'SENDING', at: at.toISOString() },
    ]);
    // A second worker expecting QUEUED finds nothing to move: the send is claimed once.
    expect(await repo.transition(row.id, 'QUEUED', { status: 'SENDING' }, at)).toBeUndefined();
  });

  it('stores an inbound carrier message once, whatever the retries', async () => {
    const userId = await newUser();
    const values = message(userId, {
      direction: 'INBOUND',
      carrierMessageId: `SM${crypto.randomUUID().replaceAll('-', '')}`,
    });
    expect(await repo.insertInbound(values)).toBeDefined();
    expect(await repo.insertInbound({ ...values })).toBeUndefined();
    expect((await repo.listConversation(userId, ALICE, undefined, { limit: 10, offset: 0 })).total).toBe(1);
  });

  it('sums this month’s usage and counts recent sends inside the caller’s transaction', async () => {
    const userId = await newUser();
    const db = database.handle.db;
    const may = new Date(Date.UTC(2026, 4, 1));
    await db.insert(usageRecords).values([
      { userId, type: 'SMS_SENT', quantity: 3, periodStart: may, periodEnd: new Date(Date.UTC(2026, 5, 1)) },
      { userId, type: 'SMS_SENT', quantity: 2, periodStart: may, periodEnd: new Date(Date.UTC(2026, 5, 1)) },
      { userId, type: 'MMS_SENT', quantity: 1, periodStart: may, periodEnd: new Date(Date.UTC(2026, 5, 1)) },
      {
        userId,
        type: 'SMS_SENT',
        quantity: 7,
        periodStart: new Date(Date.UTC(2026, 3, 1)),
        periodEnd: may,
      },
    ]);
    expect(await repo.usageSince(userId, 'SMS_SENT', may, db)).toBe(5);
    expect(await repo.usageSince(userId, 'MMS_SENT', may, db)).toBe(1);
    await repo.insert(message(userId, { direction: 'OUTBOUND', createdAt: new Date(Date.UTC(2026, 4, 2)) }));
    expect(await repo.countSentSince(userId, may, db)).toBe(1);
  });
});
