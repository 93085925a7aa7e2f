import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ReplicaResponse } from '../../replicas/dto/replica.dto.js';

const URL_MAX = 2048;
const TEXT_MAX = 4096;

/** wsproxysdk.RegisterWorkspaceProxyRequest (what Coder's external proxy sends every 30 s). */
export class RegisterWorkspaceProxyRequest {
  @ApiProperty({ example: 'https://us-east.proxy.example.com', description: 'The proxy access URL: http(s), no path.' })
  @IsOptional()
  @IsString()
  @MaxLength(URL_MAX)
  access_url?: string;

  @ApiPropertyOptional({ example: '*.us-east.proxy.example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(URL_MAX)
  wildcard_hostname?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() derp_enabled?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() derp_only?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'This proxy replica (recorded in `replicas`; absent from older proxies).',
  })
  @IsOptional()
  @IsUUID()
  replica_id?: string;

  @ApiPropertyOptional({ description: "The proxy replica's hostname." })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  hostname?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_MAX) replica_error?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(URL_MAX) replica_relay_address?: string;
  @ApiPropertyOptional({ example: 'v2.3.0' }) @IsOptional() @IsString() @MaxLength(255) version?: string;
}

/** wsproxysdk.RegisterWorkspaceProxyResponse. */
export class RegisterWorkspaceProxyResponse {
  @ApiProperty({ description: "The deployment's workspace app signing key (hex), shared with every proxy." })
  app_security_key: string;

  @ApiProperty({ description: "The deployment's DERP mesh key." })
  derp_mesh_key: string;

  @ApiProperty({ example: 10001, description: '10000 + the proxy region number.' })
  derp_region_id: number;

  @ApiProperty({ nullable: true, type: Object, description: 'Always null: this server runs no DERP relay.' })
  derp_map: null;

  @ApiProperty() derp_force_websockets: boolean;

  @ApiProperty({ type: [ReplicaResponse], description: "The proxy's other live replicas." })
  sibling_replicas: ReplicaResponse[];
}

/** wsproxysdk.DeregisterWorkspaceProxyRequest. */
export class DeregisterWorkspaceProxyRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'The proxy replica going away (as given to register).' })
  @IsOptional()
  @IsUUID()
  replica_id?: string;
}
