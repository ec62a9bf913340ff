import { describe, expect, it } from 'vitest';
import { k8sBinaryPaths, scratchGoMod, stagingReplaces } from '../../../src/setup/k8s-binaries.ts';
import { ETCD_VERSION, KUBERNETES_VERSION } from '../../../src/setup/versions.ts';

// The shape of k8s.io/kubernetes v1.34.2's go.mod, cut down: a replace block pointing the
// staging modules at its own tree, and one require that must not be touched.
const GO_MOD = `module k8s.io/kubernetes

go 1.24.0

require (
	go.etcd.io/etcd/client/v3 v3.6.4
	k8s.io/api v0.0.0
	k8s.io/apiserver v0.0.0
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/apiserver => ./staging/src/k8s.io/apiserver
	k8s.io/kubectl => ./staging/src/k8s.io/kubectl
)

replace k8s.io/kms => ./staging/src/k8s.io/kms
replace github.com/example/other => github.com/example/fork v1.0.0
`;

describe('the scratch module that builds kube-apiserver (setup --k8s)', () => {
  it('replaces each staging module with its release of the same minor', () => {
    expect(stagingReplaces(GO_MOD, 'v1.34.2')).toEqual([
      'k8s.io/api => k8s.io/api v0.34.2',
      'k8s.io/apiserver => k8s.io/apiserver v0.34.2',
      'k8s.io/kms => k8s.io/kms v0.34.2',
      'k8s.io/kubectl => k8s.io/kubectl v0.34.2',
    ]);
  });

  it('requires kubernetes and etcd at the pinned versions', () => {
    const text = scratchGoMod(stagingReplaces(GO_MOD, 'v1.34.2'), '1.24.0');
    expect(text).toContain(
      `\nrequire (\n\tk8s.io/kubernetes ${KUBERNETES_VERSION}\n\tgo.etcd.io/etcd/server/v3 ${ETCD_VERSION}\n)\n`,
    );
    expect(text).toContain('\tk8s.io/api => k8s.io/api v0.34.2\n');
    expect(text).toMatch(/^module \S+\n\ngo 1\.24\.0\n/);
  });

  it('lives in one cache folder per Kubernetes version', () => {
    const paths = k8sBinaryPaths('/cache');
    const home = `/cache/k8s-${KUBERNETES_VERSION}`;
    expect([paths.etcd, paths.kubeApiserver, paths.kubectl]).toEqual([
      `${home}/bin/etcd`,
      `${home}/bin/kube-apiserver`,
      `${home}/bin/kubectl`,
    ]);
    expect(paths.marker).toBe(`${home}/.complete`);
  });
});
