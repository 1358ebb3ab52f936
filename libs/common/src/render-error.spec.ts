import { callerRequestId, renderConnectionError } from './render-error';

describe('renderConnectionError', () => {
  it('answers what the HTTP parser refused in the API shape, by code', () => {
    expect(renderConnectionError('ERR_HTTP_REQUEST_TIMEOUT')).toEqual({
      status: 408,
      body: { status: 408, error: 'Request Timeout', message: 'The request did not arrive in time' },
    });
    expect(renderConnectionError('HPE_HEADER_OVERFLOW').status).toBe(431);
    expect(renderConnectionError('HPE_INVALID_HEADER_TOKEN')).toEqual({
      status: 400,
      body: { status: 400, error: 'Bad Request', message: 'Malformed HTTP request' },
    });
    expect(renderConnectionError(undefined).status).toBe(400);
  });
});

describe('callerRequestId', () => {
  it('keeps printable ASCII, at most 64 characters, and nothing for an empty value', () => {
    expect(callerRequestId('abc-123')).toBe('abc-123');
    expect(callerRequestId('a\u0000b\nc\u00e9d')).toBe('abcd');
    expect(callerRequestId('x'.repeat(100))).toHaveLength(64);
    expect(callerRequestId(['first', 'second'])).toBe('first');
    expect(callerRequestId('\u0000')).toBeUndefined();
    expect(callerRequestId(undefined)).toBeUndefined();
  });
});
