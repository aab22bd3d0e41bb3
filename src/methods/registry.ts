/**
 * Every identity method wi-gen knows. Adding a method: write `methods/<name>.ts` implementing
 * `IdentityMethod`, then add it here.
 */
import type { AnyIdentityMethod } from '../model/method.js';
import { gke } from './gke.js';
import { azureWorkloadIdentity } from './azure-workload-identity.js';
import { azureKubeletIdentity } from './azure-kubelet-identity.js';
import { aadPodIdentity } from './aad-pod-identity.js';
import { azureServicePrincipalVault } from './azure-service-principal-vault.js';
import { awsIrsa } from './aws-irsa.js';
import { awsPodIdentity } from './aws-pod-identity.js';
import { awsServiceAccountRef } from './aws-service-account-ref.js';

export const METHODS: readonly AnyIdentityMethod[] = [
  gke,
  azureWorkloadIdentity,
  azureKubeletIdentity,
  aadPodIdentity,
  azureServicePrincipalVault,
  awsIrsa,
  awsPodIdentity,
  awsServiceAccountRef,
];
