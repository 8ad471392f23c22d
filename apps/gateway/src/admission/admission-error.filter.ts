/** A malformed AdmissionReview → HTTP 400 with the path-precise reason (never a 500, never an allow). */
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AdmissionError } from '@notary-gate/admission';

interface HttpResponse {
  status(code: number): HttpResponse;
  json(body: unknown): void;
}

@Catch(AdmissionError)
export class AdmissionErrorFilter implements ExceptionFilter {
  catch(error: AdmissionError, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<HttpResponse>()
      .status(400)
      .json({ code: error.code, path: error.path, message: error.message });
  }
}
