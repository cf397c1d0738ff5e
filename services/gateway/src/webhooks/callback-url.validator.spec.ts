import { parseAllowHosts } from '@ultra/platform';
import type { GatewayConfig } from '../config/gateway.config';
import { CallbackUrlValidator } from './callback-url.validator';

const validatorAllowing = (hosts: string) =>
  new CallbackUrlValidator({ WEBHOOK_ALLOW_HOSTS: parseAllowHosts(hosts) } as GatewayConfig);

describe('CallbackUrlValidator', () => {
  it('has nothing to say without a callbackUrl', async () => {
    expect(await validatorAllowing('').problems(undefined)).toEqual([]);
  });

  it('refuses a name that resolves to loopback unless that very name is allowed', async () => {
    const problems = await validatorAllowing('127.0.0.1').problems('http://localhost:8080/hook');
    expect(problems).toEqual([
      { path: 'callbackUrl', message: expect.stringMatching(/^callbackUrl is refused: host localhost resolves to /) },
    ]);
    expect(problems[0]?.message).toMatch(/a loopback address$/);
    expect(await validatorAllowing('localhost').problems('http://localhost:8080/hook')).toEqual([]);
  });

  it('refuses metadata and IPv6 loopback literals', async () => {
    const validator = validatorAllowing('');
    expect(await validator.problems('http://169.254.169.254/latest')).toEqual([
      { path: 'callbackUrl', message: 'callbackUrl is refused: host 169.254.169.254 is a cloud metadata address' },
    ]);
    expect(await validator.problems('http://[::ffff:127.0.0.1]/')).toEqual([
      { path: 'callbackUrl', message: 'callbackUrl is refused: host ::ffff:7f00:1 is a loopback address (127.0.0.1)' },
    ]);
  });
});
