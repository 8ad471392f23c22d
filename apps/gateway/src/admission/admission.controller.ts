/**
 * The two webhooks as Nest routes: a line each; the work is in AdmissionService.
 * bootstrapGateway's HTTPS server answers /mutate and /validate itself
 * (http/admission-front.ts: measured faster, with the front's caps); these
 * routes serve an app that mounts GatewayModule on a Nest HTTP adapter of its own.
 */
import { Body, Controller, HttpCode, Post, Query, UseFilters } from '@nestjs/common';
import type { AdmissionReviewResponse } from '@notary-gate/admission';
import { AdmissionErrorFilter } from './admission-error.filter';
import { AdmissionService } from './admission.service';

@Controller()
@UseFilters(AdmissionErrorFilter)
export class AdmissionController {
  constructor(private readonly admissions: AdmissionService) {}

  @Post('mutate')
  @HttpCode(200)
  mutate(@Body() body: unknown, @Query('timeout') timeout?: string): Promise<AdmissionReviewResponse> {
    return this.admissions.review('mutate', body, timeout);
  }

  @Post('validate')
  @HttpCode(200)
  validate(@Body() body: unknown, @Query('timeout') timeout?: string): Promise<AdmissionReviewResponse> {
    return this.admissions.review('validate', body, timeout);
  }
}
