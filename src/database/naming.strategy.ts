import { DefaultNamingStrategy, type NamingStrategyInterface, type Table } from 'typeorm';

/** `hashedSecret` → `hashed_secret`. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Snake-case columns and PostgreSQL-style constraint names (`users_pkey`, `api_keys_user_id_fkey`)
 * instead of TypeORM's hashes, so the schema reads like Coder's and migrations stay legible.
 */
export class SnakeNamingStrategy extends DefaultNamingStrategy implements NamingStrategyInterface {
  override columnName(propertyName: string, customName: string | undefined, prefixes: string[]): string {
    return customName ?? snakeCase([...prefixes, propertyName].join('_'));
  }

  override joinColumnName(relationName: string, referencedColumnName: string): string {
    return snakeCase(`${relationName}_${referencedColumnName}`);
  }

  override primaryKeyName(table: Table | string): string {
    return `${this.getTableName(table)}_pkey`;
  }

  override uniqueConstraintName(table: Table | string, columns: string[]): string {
    return `${this.getTableName(table)}_${columns.join('_')}_key`;
  }

  override foreignKeyName(table: Table | string, columns: string[]): string {
    return `${this.getTableName(table)}_${columns.join('_')}_fkey`;
  }

  override relationConstraintName(table: Table | string, columns: string[]): string {
    return `${this.getTableName(table)}_${columns.join('_')}_rel`;
  }

  override indexName(table: Table | string, columns: string[], where?: string): string {
    const base = `${this.getTableName(table)}_${columns.join('_')}_idx`;
    return where ? `${base}_${this.hash(where).slice(0, 8)}` : base;
  }
}
