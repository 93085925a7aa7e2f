import { randomInt, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { forbidden } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import { RESERVED_KEY_NAMES } from '../../core/provisioning/provisioner-key-ids.js';
import { tagsProblem } from '../../core/provisioning/tags.js';
import type { Actor } from '../../core/rbac/actor.js';
import type { Action } from '../../core/rbac/permissions.js';
import { can } from '../../core/rbac/policy.js';
import { Database } from '../../database/database.js';
import { toDaemonResponse } from '../provisioner-daemons/dto/provisioner-daemon.dto.js';
import type {
  CreateProvisionerKeyRequest,
  CreateProvisionerKeyResponse,
  ProvisionerKeyDaemonsResponse,
  ProvisionerKeyResponse,
} from './dto/provisioner-key.dto.js';
import { ProvisionerKeyEntity } from './entities/provisioner-key.entity.js';
import { hashKeySecret, KEY_LENGTH } from './provisioner-key-auth.js';
import { ProvisionerKeyEvents } from './provisioner-key-events.js';
import {
  invalidKeyTags,
  keyMissing,
  nameRequired,
  nameReserved,
  nameTaken,
  nameTooLong,
  reservedUndeletable,
} from './provisioner-keys.errors.js';
import { ProvisionerKeysRepository } from './provisioner-keys.repository.js';

const NAME_MAX_BYTES = 64;
const SECRET_CHARSET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ZERO_TIME = '0001-01-01T00:00:00Z';
/** Coder lists the reserved pseudo-keys after the real ones, in this order. */
const RESERVED_ORDER = ['built-in', 'psk', 'user-auth'];

/** Uniformly random `[0-9A-Za-z]` from the CSPRNG (Coder's cryptorand.String). */
function randomSecret(): string {
  let out = '';
  for (let i = 0; i < KEY_LENGTH; i++) out += SECRET_CHARSET[randomInt(SECRET_CHARSET.length)];
  return out;
}

function isReservedName(name: string): boolean {
  return Object.values(RESERVED_KEY_NAMES).includes(name.toLowerCase());
}

export function toKeyResponse(key: ProvisionerKeyEntity): ProvisionerKeyResponse {
  return {
    id: key.id,
    created_at: key.createdAt.toISOString(),
    organization: key.organizationId,
    name: key.name,
    tags: key.tags ?? {},
  };
}

/** Organization-scoped provisioner keys: create, list, the daemons serving under each, delete. */
@Injectable()
export class ProvisionerKeysService {
  constructor(
    private readonly db: Database,
    private readonly keys: ProvisionerKeysRepository,
    private readonly events: ProvisionerKeyEvents,
  ) {}

  async create(
    actor: Actor,
    org: OrganizationEntity,
    body: CreateProvisionerKeyRequest,
  ): Promise<CreateProvisionerKeyResponse> {
    this.assertMay(actor, 'create', org);
    const name = body.name ?? '';
    if (name === '') throw nameRequired();
    if (Buffer.byteLength(name) > NAME_MAX_BYTES) throw nameTooLong();
    if (isReservedName(name)) throw nameReserved(name);
    const tags = body.tags ?? {};
    const problem = tagsProblem(tags);
    if (problem) throw invalidKeyTags(problem);
    if (Object.values(tags).some((v) => (v as string).includes('\0')))
      throw invalidKeyTags('tags cannot contain the null byte (0x00)');
    const secret = randomSecret();
    const key = Object.assign(new ProvisionerKeyEntity(), {
      id: randomUUID(),
      createdAt: new Date(),
      organizationId: org.id,
      name: name.toLowerCase(),
      hashedSecret: hashKeySecret(secret),
      tags: tags as Record<string, string>,
    });
    try {
      await this.keys.insert(key);
    } catch (err) {
      if (isUniqueViolation(err, 'provisioner_keys_organization_id_name_idx')) throw nameTaken(name);
      throw err;
    }
    return { key: secret };
  }

  /** Real keys only (the reserved pseudo-keys are never listed), oldest first. */
  async list(actor: Actor, org: OrganizationEntity): Promise<ProvisionerKeyResponse[]> {
    this.assertMay(actor, 'read', org);
    return (await this.keys.listByOrganization(org.id)).map(toKeyResponse);
  }

  /** Every key with its daemons seen in the last three minutes; then Coder's reserved pseudo-keys. */
  async daemons(actor: Actor, org: OrganizationEntity): Promise<ProvisionerKeyDaemonsResponse[]> {
    this.assertMay(actor, 'read', org);
    const keys = (await this.keys.listByOrganization(org.id)).map(toKeyResponse);
    for (const name of RESERVED_ORDER) {
      const id = Object.keys(RESERVED_KEY_NAMES).find((k) => RESERVED_KEY_NAMES[k] === name)!;
      keys.push({ id, created_at: ZERO_TIME, organization: org.id, name, tags: {} });
    }
    const rows = await this.keys.listRecentDaemons(org.id);
    return keys.map((key) => ({
      key,
      daemons: rows.filter((row) => row.key_id === key.id).map((row) => toDaemonResponse(row, org.id)),
    }));
  }

  /**
   * Deletes the key by name (any case) and its daemons' rows, then has every replica cut off the
   * daemons still connected with it (their running jobs fail).
   */
  async delete(actor: Actor, org: OrganizationEntity, name: string): Promise<void> {
    this.assertMay(actor, 'delete', org);
    if (isReservedName(name)) throw reservedUndeletable(name.toLowerCase());
    const deleted = await this.db.transaction(async () => {
      const key = await this.keys.findByName(org.id, name);
      if (!key) throw keyMissing();
      await this.keys.deleteWithDaemons(key.id);
      return key;
    });
    await this.events.announceDeleted(deleted.id);
  }

  /** Reading needs membership (Coder gives every member read); changes need the org's daemon rights. */
  private assertMay(actor: Actor, action: Action, org: OrganizationEntity): void {
    if (can(actor, action, { type: 'provisioner_daemon', orgId: org.id })) return;
    throw action === 'read' ? keyMissing() : forbidden();
  }
}
