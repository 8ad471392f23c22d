import { OciLayoutRepository } from './layout';
import { openRepository } from './open-repository';
import { RegistryClient } from './registry-client';
import { RegistryRepository } from './registry-repository';
import { fixturePath } from '../../../test/support/fixtures';

describe('openRepository', () => {
  it('opens an oci-layout reference as a layout repository', async () => {
    const opened = openRepository(`oci-layout:${fixturePath('notation-go/oci-layouts/e2e:v1')}`, { limits: { maxReferrers: 5 } });
    expect(opened.repository).toBeInstanceOf(OciLayoutRepository);
    expect(opened.reference.kind).toBe('oci-layout');
    expect((await opened.repository.resolve(opened.reference.target)).size).toBe(517);
    await opened.close();
  });

  it('opens a registry reference on a shared client, normalising it', async () => {
    const client = new RegistryClient();
    try {
      const opened = openRepository('nginx', client);
      expect(opened.repository).toBeInstanceOf(RegistryRepository);
      expect(opened.repository.name).toBe('docker.io/library/nginx');
      expect(opened.reference.toString()).toBe('docker.io/library/nginx:latest');
      await opened.close(); // does not close the shared client
    } finally {
      await client.close();
    }
  });

  it('builds and closes its own client from options, and refuses bad references', async () => {
    const opened = openRepository('localhost:5000/app@sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', { insecureRegistries: ['localhost:5000'] });
    expect(opened.reference.target).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    await opened.close();
    expect(() => openRepository('Bad/Name')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_REFERENCE' }));
  });
});
