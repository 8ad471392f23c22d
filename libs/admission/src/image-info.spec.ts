import { parseImageInfo } from './image-info';
import { AdmissionError } from './errors';

describe('parseImageInfo (Kyverno GetImageInfo)', () => {
  it.each([
    ['ghcr.io/kyverno/test-verify-image:signed', { registry: 'ghcr.io', path: 'kyverno/test-verify-image', name: 'test-verify-image', tag: 'signed', reference: 'ghcr.io/kyverno/test-verify-image:signed', referenceWithTag: 'ghcr.io/kyverno/test-verify-image:signed' }],
    ['nginx', { registry: 'docker.io', path: 'nginx', name: 'nginx', tag: 'latest', reference: 'docker.io/nginx:latest' }],
    ['library/nginx:1.25', { registry: 'docker.io', path: 'library/nginx', tag: '1.25', reference: 'docker.io/library/nginx:1.25' }],
    ['localhost/app', { registry: 'localhost', path: 'app', reference: 'localhost/app:latest' }],
    ['127.0.0.1:5000/team/app:v1', { registry: '127.0.0.1:5000', path: 'team/app', tag: 'v1', reference: '127.0.0.1:5000/team/app:v1' }],
    [
      'ghcr.io/kyverno/zulu:v0.0.14@sha256:476b0bbd0a7d0b1b6ed8e2c2d8ec2ea6e0ba7f1f9fd61d2c8b1dc3b5f5ffc0db',
      {
        tag: 'v0.0.14',
        digest: 'sha256:476b0bbd0a7d0b1b6ed8e2c2d8ec2ea6e0ba7f1f9fd61d2c8b1dc3b5f5ffc0db',
        reference: 'ghcr.io/kyverno/zulu@sha256:476b0bbd0a7d0b1b6ed8e2c2d8ec2ea6e0ba7f1f9fd61d2c8b1dc3b5f5ffc0db',
        referenceWithTag: 'ghcr.io/kyverno/zulu:v0.0.14',
      },
    ],
  ])('%s', (image, expected) => {
    expect(parseImageInfo(image)).toMatchObject(expected);
  });

  it('digest-only images have no tag and a referenceWithTag ending in ":"', () => {
    const info = parseImageInfo('ghcr.io/a/b@sha256:' + 'a'.repeat(64));
    expect(info.tag).toBeUndefined();
    expect(info.referenceWithTag).toBe('ghcr.io/a/b:');
  });

  it.each(['', 'ghcr.io/UPPER/x', 'ghcr.io/a/b:bad tag', 'ghcr.io/a/b@sha256:zz', 'ghcr.io//x'])('rejects %j with the field path', (image) => {
    expect(() => parseImageInfo(image, 'spec.containers[0].image')).toThrow(AdmissionError);
    try {
      parseImageInfo(image, 'spec.containers[0].image');
    } catch (error) {
      expect((error as AdmissionError).message).toMatch(/^spec\.containers\[0\]\.image: invalid image reference/);
    }
  });
});
