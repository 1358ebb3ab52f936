import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderRequestError } from './render-error';

/** The one place where errors become HTTP answers (in a capture route's own wire format when it names one). */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { status, body, headers } = renderRequestError(exception, request);
    if (headers) reply.headers(headers);
    void reply.status(status).send(body);
  }
}
