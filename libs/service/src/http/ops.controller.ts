/** The ops endpoints on a Nest HTTP app (the gateway serves them on its own port). */
import { Controller, Get, Res } from '@nestjs/common';
import { HealthService } from '../health/health.service';
import { ServiceMetrics } from '../metrics/service-metrics';
import { opsResponse, type OpsPath } from './ops-handler';

/** The slice of an Express response the controller uses. */
interface HttpResponse {
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): void;
  send(body: string): void;
}

@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: ServiceMetrics,
  ) {}

  @Get('healthz')
  healthz(@Res() response: HttpResponse): Promise<void> {
    return this.answer('/healthz', response);
  }

  @Get('readyz')
  readyz(@Res() response: HttpResponse): Promise<void> {
    return this.answer('/readyz', response);
  }

  @Get('metrics')
  metricsText(@Res() response: HttpResponse): Promise<void> {
    return this.answer('/metrics', response);
  }

  private async answer(path: OpsPath, response: HttpResponse): Promise<void> {
    const answer = await opsResponse(path, { health: this.health, metrics: this.metrics });
    response.setHeader('content-type', answer.contentType);
    response.status(answer.status).send(answer.body);
  }
}
