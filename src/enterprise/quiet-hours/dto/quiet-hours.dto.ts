import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class UpdateQuietHoursRequest {
  @ApiProperty({
    description: 'Daily 5-field cron with an optional CRON_TZ= prefix: the start of your quiet hours.',
    example: 'CRON_TZ=Europe/Berlin 0 2 * * *',
  })
  @IsDefined()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  schedule: string;
}

/** `codersdk.UserQuietHoursScheduleResponse`: one object (the page's array is an annotation error). */
export class QuietHoursResponse {
  @ApiProperty({ example: 'CRON_TZ=UTC 0 0 * * *' }) raw_schedule: string;
  @ApiProperty({ description: 'Whether the user set it (false: the deployment default).' }) user_set: boolean;
  @ApiProperty({
    description:
      'Whether users may set their own schedule (`CODER_ALLOW_CUSTOM_QUIET_HOURS`); false: the default always applies.',
  })
  user_can_set: boolean;
  @ApiProperty({ example: '00:00', description: 'HH:mm in `timezone`.' }) time: string;
  @ApiProperty({ example: 'UTC' }) timezone: string;
  @ApiProperty({ format: 'date-time', description: "Next start, with the zone's offset." }) next: string;
}
