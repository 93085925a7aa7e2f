import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthService } from './auth.service.js';
import { AuthenticationMiddleware } from './auth.middleware.js';
import { FailedAuthLimiter } from './failed-auth-limiter.js';
import { LoginController } from './login.controller.js';
import { LoginService } from './login.service.js';
import { SessionStrategy } from './session.strategy.js';
import { AuditModule } from '../audit/audit.module.js';

/**
 * Session tokens: the per-request authentication (middleware, strategy) and login/logout; and the
 * failed-attempt limiter for the deployment's other secrets.
 */
@Module({
  imports: [AuditModule, PassportModule, UsersModule, ApiKeysModule],
  controllers: [LoginController],
  providers: [AuthService, SessionStrategy, AuthenticationMiddleware, LoginService, FailedAuthLimiter],
  exports: [AuthService, AuthenticationMiddleware, FailedAuthLimiter],
})
export class AuthModule {}
