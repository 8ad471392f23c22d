/** The two webhooks: a line each; the work is in AdmissionService. */
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
