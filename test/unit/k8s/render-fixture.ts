import { loadPlanFile } from '../../../src/plan/load-plan.ts';
import { type K8sRenderOptions, K8S_DEFAULTS } from '../../../src/k8s/model.ts';
import { readRawPlan } from '../../../src/k8s/raw-plan.ts';
import type { ResolvedPlan } from '../../../src/plan/resolved-plan.ts';

export function options(over: Partial<K8sRenderOptions> = {}): K8sRenderOptions {
  return {
    ...K8S_DEFAULTS,
    runId: 'rc-test-abcde',
    namespace: 'load',
    namesrv: 'rocketmq-namesrv.rocketmq.svc:9876',
    proxy: 'rocketmq-proxy.rocketmq.svc:8081',
    token: 'not-a-real-token',
    podSelectors: {},
    skipUnrenderable: false,
    ...over,
  };
}

export async function loadForRender(
  file: string,
  sets: string[] = [],
): Promise<{ plan: ResolvedPlan; raw: Record<string, unknown> }> {
  return { plan: await loadPlanFile(file, sets), raw: await readRawPlan(file, sets) };
}
