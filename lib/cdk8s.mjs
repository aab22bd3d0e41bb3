// The `wi-gen/cdk8s` constructs for ES modules (types: cdk8s.d.ts). Hand-written; cdk8s.cjs is
// built by scripts/build.mjs and loads cdk8s from the project that installed wi-gen.
import constructs from './cdk8s.cjs';

export const { WorkloadIdentity, WorkloadIdentityError, bind } = constructs;
