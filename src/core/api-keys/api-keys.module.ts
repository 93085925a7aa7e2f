import { Module } from '@nestjs/common';
import { AccessModule } from '../access/resolved-params.js';
import { ApiKeyTokensController } from './api-key-tokens.controller.js';
import { ApiKeyTokensService } from './api-key-tokens.service.js';
import { ApiKeysController } from './api-keys.controller.js';
import { KeyIdParamResolver, KeyNameParamResolver } from './api-keys.params.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuditModule } from '../audit/audit.module.js';

/**
 * `/users/{user}/keys…` (the `{user}` resolver is the users module's) and the keys behind sessions:
 * login and per-request authentication use ApiKeysService.
 */
@Module({
  imports: [AuditModule, AccessModule],
  // `/keys/tokens` must be routed before `/keys/{keyid}` matches it.
  controllers: [ApiKeyTokensController, ApiKeysController],
  providers: [ApiKeysService, ApiKeyTokensService, ApiKeysRepository, KeyIdParamResolver, KeyNameParamResolver],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
