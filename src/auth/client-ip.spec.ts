import { clientIp } from './client-ip';

describe('clientIp', () => {
  it('follows the header order of the spec', () => {
    expect(clientIp({ 'x-forwarded-for': '1.1.1.1', 'x-client-ip': '8.8.8.8' }, '10.0.0.1')).toBe('8.8.8.8');
    expect(clientIp({ 'openpanel-client-ip': '9.9.9.9', 'x-client-ip': '8.8.8.8' }, '10.0.0.1')).toBe('9.9.9.9');
  });
  it('takes the first x-forwarded-for entry and parses Forwarded', () => {
    expect(clientIp({ 'x-forwarded-for': '203.0.113.5, 10.0.0.1' }, undefined)).toBe('203.0.113.5');
    expect(clientIp({ forwarded: 'for="[2001:db8::1]:443";proto=https' }, undefined)).toBe('2001:db8::1');
    expect(clientIp({ forwarded: 'for=198.51.100.7:8080' }, undefined)).toBe('198.51.100.7');
  });
  it('skips garbage and falls back to the socket', () => {
    expect(clientIp({ 'x-client-ip': 'not-an-ip' }, '127.0.0.1')).toBe('127.0.0.1');
  });
});
