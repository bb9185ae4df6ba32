import type { Collection, Db } from 'mongodb';
import type { SigningKeyRepository, StoredSigningKey } from './signing-key-repository.js';

type KeyDocument = Omit<StoredSigningKey, 'kid'> & { _id: string };

/** Shared by every instance; an insert per key, so it is safe without atomic updates (FerretDB). */
export class MongoSigningKeyRepository implements SigningKeyRepository {
  private readonly keys: Collection<KeyDocument>;

  constructor(db: Db) {
    this.keys = db.collection<KeyDocument>('signing_keys');
  }

  async list(): Promise<StoredSigningKey[]> {
    const docs = await this.keys.find({}).toArray();
    return docs.map(({ _id, ...rest }) => ({ kid: _id, ...rest }));
  }

  async add(key: StoredSigningKey): Promise<void> {
    const { kid, ...rest } = key;
    await this.keys.insertOne({ _id: kid, ...rest });
  }
}
