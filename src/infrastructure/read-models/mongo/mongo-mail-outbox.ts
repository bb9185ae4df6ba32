import type { Db } from 'mongodb';
import type { MailOutbox, MailQueueSummary, MailView } from '../../../application/ports/mail-outbox.port.js';
import { MongoProjectionStore } from './mongo-projection-store.js';

export const MAIL_OUTBOX_COLLECTION = 'rm_mail_outbox';

/**
 * The outbox shared by every instance in the MongoDB mode. Sent messages stay (the delivery
 * record of each is its stream anyway); on FerretDB these queries scan the collection.
 */
export class MongoMailOutbox extends MongoProjectionStore<MailView> implements MailOutbox {
  constructor(db: Db) {
    super(db, {
      collection: MAIL_OUTBOX_COLLECTION,
      name: 'mail-outbox',
      indexes: [{ key: { status: 1, nextAttemptAt: 1 }, name: 'status_next_attempt' }],
    });
  }

  async due(now: Date, limit: number): Promise<readonly MailView[]> {
    const records = await this.collection
      .find({ status: 'pending', nextAttemptAt: { $lte: now.toISOString() } })
      .sort({ nextAttemptAt: 1, seq: 1 })
      .limit(limit)
      .toArray();
    return records.map((record) => this.fromRecord(record));
  }

  async pending(limit: number): Promise<readonly MailView[]> {
    const records = await this.collection.find({ status: 'pending' }).sort({ seq: 1 }).limit(limit).toArray();
    return records.map((record) => this.fromRecord(record));
  }

  async summary(): Promise<MailQueueSummary> {
    const [pending, failing, sent, expired, oldest] = await Promise.all([
      this.collection.countDocuments({ status: 'pending' }),
      this.collection.countDocuments({ status: 'pending', attempts: { $gt: 0 } }),
      this.collection.countDocuments({ status: 'sent' }),
      this.collection.countDocuments({ status: 'expired' }),
      this.pending(1),
    ]);
    return { pending, failing, sent, expired, oldestPendingAt: oldest[0]?.createdAt ?? null };
  }
}
