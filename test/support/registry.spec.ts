import { startRegistry } from './registry';

describe('test registry', () => {
  it('serves the distribution API and records access', async () => {
    const registry = await startRegistry();
    try {
      const response = await fetch(`http://${registry.host}/v2/_catalog`);
      expect(response.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(registry.requests().some((r) => r.path === '/v2/_catalog' && r.status === 200)).toBe(true);
    } finally {
      await registry.stop();
    }
  });
});
