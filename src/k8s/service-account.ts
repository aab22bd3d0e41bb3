/**
 * A ServiceAccount bound to a cloud identity. The identity method supplies the annotations and
 * labels; this construct owns naming, namespace and the token-mount default.
 */
import type { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import type { ServiceAccountBinding } from '../model/model.js';
import type { MethodContext } from '../methods/method.js';
import { mergeMaps } from './labels.js';

export interface BoundServiceAccountProps {
  readonly binding: ServiceAccountBinding;
  readonly context: MethodContext;
}

export class BoundServiceAccount extends kplus.ServiceAccount {
  constructor(scope: Construct, id: string, props: BoundServiceAccountProps) {
    const { binding, context } = props;
    const meta = binding.identity.method.serviceAccountMetadata(binding, context);
    const annotations = mergeMaps(meta.annotations);
    const labels = mergeMaps(meta.labels);
    super(scope, id, {
      metadata: {
        name: binding.name,
        namespace: binding.namespace,
        ...(annotations ? { annotations } : {}),
        ...(labels ? { labels } : {}),
      },
      automountToken: binding.automountToken,
    });
  }
}
