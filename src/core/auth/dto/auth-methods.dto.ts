import { ApiProperty } from '@nestjs/swagger';

export class AuthMethodDto {
  @ApiProperty() enabled: boolean;
}

/** Coder embeds `enabled` in the OIDC method and names its two strings in camelCase. */
export class OidcAuthMethodDto extends AuthMethodDto {
  @ApiProperty({ description: 'Text of the OIDC sign-in button ("" when OIDC is off).' }) signInText: string;
  @ApiProperty({ description: 'Icon of the OIDC sign-in button ("" when OIDC is off).' }) iconUrl: string;
}

/** `codersdk.AuthMethods`. */
export class AuthMethodsResponse {
  @ApiProperty({ type: AuthMethodDto }) password: AuthMethodDto;
  @ApiProperty({ type: AuthMethodDto }) github: AuthMethodDto;
  @ApiProperty({ type: OidcAuthMethodDto }) oidc: OidcAuthMethodDto;
}

/** This server signs users in with email and password only: GitHub and OIDC login are not implemented. */
export const AUTH_METHODS: AuthMethodsResponse = {
  password: { enabled: true },
  github: { enabled: false },
  oidc: { enabled: false, signInText: '', iconUrl: '' },
};
