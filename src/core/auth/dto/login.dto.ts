import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsEmail, IsString, MaxLength } from 'class-validator';

export class LoginWithPasswordRequest {
  @ApiProperty({ format: 'email', example: 'admin@example.com' })
  @IsDefined()
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'SomeStrongPassword!' })
  @IsDefined()
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class LoginWithPasswordResponse {
  @ApiProperty({ description: 'Session token `<10 alnum>-<22 alnum>`; also set as the `coder_session_token` cookie.' })
  session_token: string;
}
