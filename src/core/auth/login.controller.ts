import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponse, ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import type { Actor } from '../rbac/actor.js';
import { Authenticated, CurrentActor, Public } from '../access/access.decorators.js';
import { AUTH_METHODS, AuthMethodsResponse } from './dto/auth-methods.dto.js';
import { LoginWithPasswordRequest, LoginWithPasswordResponse } from './dto/login.dto.js';
import { LoginService } from './login.service.js';
import { SESSION_COOKIE } from './token-source.js';

@ApiTags('Authorization')
@Controller('users')
export class LoginController {
  constructor(private readonly login: LoginService) {}

  // Public: the login page and sign-out call it without a (valid) session, and fail hard on any error.
  @Get('authmethods')
  @Public()
  @ApiOperation({ summary: 'Get authentication methods: password login only (GitHub and OIDC are not supported by this server)' })
  @ApiOkResponse({ type: AuthMethodsResponse })
  authMethods(): AuthMethodsResponse {
    return AUTH_METHODS;
  }

  @Post('login')
  @Public()
  @ApiOperation({ summary: 'Log in with email and password' })
  @ApiCreatedResponse({ type: LoginWithPasswordResponse })
  @ApiErrors(400, 429)
  @ApiErrorResponse(401, '`Incorrect email or password.`, or `Your account is suspended. Contact an admin to reactivate your account.`')
  @ApiErrorResponse(403, 'The user signs in another way: `Incorrect login type, attempting to use "password" but user is of login type "oidc"`')
  async loginWithPassword(
    @Body() body: LoginWithPasswordRequest,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.login.login(body, meta);
    res.cookie(SESSION_COOKIE, result.session_token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.login.secureCookies,
    });
    return result;
  }

  @Post('logout')
  @Authenticated()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log out: revokes the presented session token and clears the cookie' })
  @ApiOkResponse({ type: ErrorResponseDto })
  async logout(
    @CurrentActor() actor: Actor,
    @ReqMeta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.cookie(SESSION_COOKIE, '', { path: '/', maxAge: 0, httpOnly: true, sameSite: 'lax', secure: this.login.secureCookies });
    return this.login.logout(actor, meta);
  }
}
