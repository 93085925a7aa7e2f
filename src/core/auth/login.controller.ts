import { Body, Controller, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, CurrentActor, Public } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import { AUTH_METHODS, AuthMethodsResponse } from './dto/auth-methods.dto.js';
import { LoginWithPasswordRequest, LoginWithPasswordResponse } from './dto/login.dto.js';
import { LoginService } from './login.service.js';
import { SESSION_COOKIE } from './token-source.js';

/** `/users/authmethods`, `/users/login`, `/users/logout`: signing in and out (the `users` prefix is Coder's). */
@ApiTags('Authorization')
@Controller('users')
export class LoginController {
  constructor(private readonly login: LoginService) {}

  // Public: the login page and sign-out call it without a (valid) session, and fail hard on any error.
  @Route('GET', 'authmethods', {
    summary: 'Get authentication methods: password login only (GitHub and OIDC are not supported by this server)',
    returns: AuthMethodsResponse,
  })
  @Public()
  authMethods(): AuthMethodsResponse {
    return AUTH_METHODS;
  }

  @Route('POST', 'login', {
    summary: 'Log in with email and password',
    returns: LoginWithPasswordResponse,
    errors: [400, 429],
    responses: [
      {
        status: 401,
        description:
          '`Incorrect email or password.`, or `Your account is suspended. Contact an admin to reactivate your account.`',
        type: ErrorResponseDto,
      },
      {
        status: 403,
        description:
          'The user signs in another way: `Incorrect login type, attempting to use "password" but user is of login type "oidc"`',
        type: ErrorResponseDto,
      },
    ],
  })
  @Public()
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

  @Route('POST', 'logout', {
    summary: 'Log out: revokes the presented session token and clears the cookie',
    status: 200,
    returns: ErrorResponseDto,
  })
  @Authenticated()
  async logout(@CurrentActor() actor: Actor, @ReqMeta() meta: RequestMeta, @Res({ passthrough: true }) res: Response) {
    res.cookie(SESSION_COOKIE, '', {
      path: '/',
      maxAge: 0,
      httpOnly: true,
      sameSite: 'lax',
      secure: this.login.secureCookies,
    });
    return this.login.logout(actor, meta);
  }
}
