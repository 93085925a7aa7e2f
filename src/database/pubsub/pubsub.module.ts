import { Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DATABASE_CONNECTION, type DatabaseConnection } from '../database.module.js';
import { PgPubSub } from './pg-pubsub.js';
import { PubSub } from './pubsub.js';

@Injectable()
class PubSubCloser implements OnApplicationShutdown {
  constructor(@Inject(PubSub) private readonly pubsub: PubSub) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pubsub.close();
  }
}

/**
 * `PubSub` for every module: LISTEN/NOTIFY on PostgreSQL (embedded or not), so replicas hear each other.
 *
 * Its SQL is messaging, not table access, so it lives here rather than in a repository (the only
 * feature of src/ that sends SQL outside one): LISTEN/UNLISTEN and pings run on PgPubSub's
 * dedicated client, and `pg_notify` on the pool through the DataSource itself, never through
 * `Database.manager`: a notification goes out at once, even when published from inside a
 * transaction (whose manager would hold it until commit).
 */
@Module({
  providers: [
    {
      provide: PubSub,
      inject: [DATABASE_CONNECTION, getDataSourceToken()],
      useFactory: async (connection: DatabaseConnection, db: DataSource): Promise<PubSub> => {
        const pubsub = new PgPubSub({
          url: connection.url,
          notify: async (channel, message) => {
            await db.query('SELECT pg_notify($1, $2)', [channel, message]);
          },
        });
        await pubsub.start();
        return pubsub;
      },
    },
    PubSubCloser,
  ],
  exports: [PubSub],
})
export class PubSubModule {}
