/**
 * A ServiceAccount bound to a cloud identity. The identity method supplies the annotations and
 * labels; this construct owns naming, namespace and the token-mount default.
 *
 * Built on the core `ApiObject` rather than cdk8s-plus' `ServiceAccount`: the synthesized object
 * is the same, and the CLI does not load cdk8s-plus' 2.5 MB of generated classes on every run.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ServiceAccountBinding } from '../model/model.js';
import type { MethodContext } from '../model/method.js';
import { mergeMaps } from './labels.js';

interface BoundServiceAccountProps {
  readonly binding: ServiceAccountBinding;
  readonly context: MethodContext;
}

export class BoundServiceAccount extends Construct {
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: BoundServiceAccountProps) {
    super(scope, id);
    const { binding, context } = props;
    const meta = binding.identity.method.serviceAccountMetadata(binding, context);
    const annotations = mergeMaps(meta.annotations);
    const labels = mergeMaps(meta.labels);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: binding.name,
        namespace: binding.namespace,
        ...(annotations ? { annotations } : {}),
        ...(labels ? { labels } : {}),
      },
      // Always written, as cdk8s-plus did: the Kubernetes default (true) is not what we want.
      automountServiceAccountToken: binding.automountToken,
    });
  }
}
