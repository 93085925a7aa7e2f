import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ValidationErrorDto {
  @ApiProperty({ example: 'email' })
  field: string;

  @ApiProperty({ example: 'Validation failed for tag "email" with value: "not-an-email"' })
  detail: string;
}

/** `codersdk.Response`: the body of every error (and of a few plain acknowledgements). */
export class ErrorResponseDto {
  @ApiProperty({ example: 'Resource not found or you do not have access to this resource' })
  message: string;

  @ApiPropertyOptional()
  detail?: string;

  @ApiPropertyOptional({ type: [ValidationErrorDto] })
  validations?: ValidationErrorDto[];
}
