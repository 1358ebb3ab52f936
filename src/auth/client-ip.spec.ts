import { clientIp } from './client-ip';

const ALL = { sender: true, proxy: true };

describe('clientIp', () => {
  it('follows the header order of the spec', () => {
    expect(clientIp({ 'x-forwarded-for': '1.1.1.1', 'x-client-ip': '8.8.8.8' }, '10.0.0.1', ALL)).toBe('8.8.8.8');
    expect(clientIp({ 'openpanel-client-ip': '9.9.9.9', 'x-client-ip': '8.8.8.8' }, '10.0.0.1', ALL)).toBe('9.9.9.9');
  });
  it('takes the first x-forwarded-for entry and parses Forwarded', () => {
    expect(clientIp({ 'x-forwarded-for': '203.0.113.5, 10.0.0.1' }, undefined, ALL)).toBe('203.0.113.5');
    expect(clientIp({ forwarded: 'for="[2001:db8::1]:443";proto=https' }, undefined, ALL)).toBe('2001:db8::1');
    expect(clientIp({ forwarded: 'for=198.51.100.7:8080' }, undefined, ALL)).toBe('198.51.100.7');
  });
  it('skips garbage and falls back to the socket', () => {
    expect(clientIp({ 'x-client-ip': 'not-an-ip' }, '127.0.0.1', ALL)).toBe('127.0.0.1');
  });
  it('believes the sender headers only with a secret, the proxy headers only behind a trusted proxy', () => {
    const headers = { 'x-client-ip': '8.8.8.8', 'x-forwarded-for': '1.1.1.1', 'cf-connecting-ip': '9.9.9.9' };
    expect(clientIp(headers, '10.0.0.1', { sender: false, proxy: false })).toBe('10.0.0.1');
    expect(clientIp(headers, '10.0.0.1', { sender: false, proxy: true })).toBe('9.9.9.9');
    expect(clientIp(headers, '10.0.0.1', { sender: true, proxy: false })).toBe('8.8.8.8');
    expect(clientIp({ 'x-forwarded-for': '1.1.1.1' }, '10.0.0.1', { sender: true, proxy: false })).toBe('10.0.0.1');
  });
});
