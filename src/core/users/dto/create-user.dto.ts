import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  isEmail,
  MaxLength,
  registerDecorator,
} from 'class-validator';
import { IsCoderName } from '../../../common/validation.js';

/** A UTF-16 surrogate without its pair: text no encoding can carry. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * class-validator's `@IsEmail()`, except that a string holding a lone surrogate is simply not an
 * email: validator's isEmail measures the parts with `encodeURI`, which throws a URIError on one,
 * and that error escaped the pipe as a 500. Same constraint name, so the 400 reads as before.
 */
function IsEmailAddress(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isEmail',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be an email' },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !LONE_SURROGATE.test(value) && isEmail(value),
      },
    });
}

export class CreateFirstUserRequest {
  @ApiProperty({ format: 'email', example: 'admin@example.com' })
  @IsDefined()
  @IsEmailAddress()
  @MaxLength(320)
  email: string;

  @ApiProperty({ description: 'Letters, digits and single hyphens, at most 32.', example: 'admin' })
  @IsDefined()
  @IsCoderName()
  username: string;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  name?: string;

  @ApiProperty({
    description: "At least 52 bits of entropy (Coder's rule), at most 64 characters.",
    example: 'SomeStrongPassword!',
  })
  @IsDefined()
  @IsString()
  password: string;

  @ApiPropertyOptional({ description: 'Accepted for compatibility; trials are not generated here.' })
  @IsOptional()
  @IsBoolean()
  trial?: boolean;

  @ApiPropertyOptional({ description: 'Accepted for compatibility and ignored.' })
  @IsOptional()
  @IsObject()
  trial_info?: Record<string, unknown>;
}

export class CreateFirstUserResponse {
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty({ format: 'uuid' }) organization_id: string;
}

export const CREATABLE_LOGIN_TYPES = ['password', 'none', 'github', 'oidc'] as const;
export const CREATABLE_USER_STATUSES = ['active', 'dormant', 'suspended'] as const;

export class CreateUserRequest {
  @ApiProperty({ format: 'email' })
  @IsDefined()
  @IsEmailAddress()
  @MaxLength(320)
  email: string;

  @ApiProperty({ description: 'Letters, digits and single hyphens, at most 32.' })
  @IsDefined()
  @IsCoderName()
  username: string;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  name?: string;

  @ApiPropertyOptional({ description: 'Required for `login_type` password.' })
  @IsOptional()
  @IsString()
  password?: string;

  @ApiPropertyOptional({ enum: CREATABLE_LOGIN_TYPES, default: 'password' })
  @IsOptional()
  @IsIn(CREATABLE_LOGIN_TYPES)
  login_type?: (typeof CREATABLE_LOGIN_TYPES)[number];

  @ApiPropertyOptional({ deprecated: true, description: 'Same as `login_type: "none"`.' })
  @IsOptional()
  @IsBoolean()
  disable_login?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Organization to join (default: the default organization).' })
  @IsOptional()
  @IsUUID()
  organization_id?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Newer clients: organizations to join.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  organization_ids?: string[];

  @ApiPropertyOptional({
    enum: CREATABLE_USER_STATUSES,
    default: 'active',
    description:
      "Coder's values; `dormant` (a user who has not signed in yet) is stored as `active`, which is what a dormant user becomes on first sign-in.",
  })
  @IsOptional()
  @IsIn(CREATABLE_USER_STATUSES)
  user_status?: (typeof CREATABLE_USER_STATUSES)[number];

  @ApiPropertyOptional({
    type: [String],
    example: ['template-admin'],
    description: 'Site roles to start with (`member` is implied); the caller must be allowed to assign each.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  roles?: string[];

  @ApiPropertyOptional({ description: 'Newer clients. `true` is refused: this server has no service accounts.' })
  @IsOptional()
  @IsBoolean()
  service_account?: boolean;
}

export class UpdateRolesRequest {
  @ApiProperty({ type: [String], example: ['template-admin'], description: 'The complete set of explicit roles.' })
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  roles: string[];
}

export class UpdateProfileRequest {
  @ApiProperty({ description: 'Letters, digits and single hyphens, at most 32.' })
  @IsDefined()
  @IsCoderName()
  username: string;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  name?: string;

  @ApiPropertyOptional({
    description: 'An http(s) URL, or `""` for none; absent = unchanged.',
    example: 'https://example.com/me.png',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^$|^https?:\/\/\S+$/i, { message: 'avatar_url must be an http(s) URL or empty' })
  avatar_url?: string;
}

export class UpdatePasswordRequest {
  @ApiPropertyOptional({ description: 'Required when changing your own password.' })
  @IsOptional()
  @IsString()
  old_password?: string;

  @ApiProperty()
  @IsDefined()
  @IsString()
  password: string;
}

export class UserRolesResponse {
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } })
  organization_roles: Record<string, string[]>;
}

/** Defined with the role presenter (src/core/rbac); kept importable from here for the users routes. */
export { AssignableRoleResponse } from '../../rbac/dto/role.dto.js';
