// The one typed source of the chart: workloads, flows, switches and the exceptions they imply.
export * from './workloads.ts';
export * from './vocabulary.ts';
export * from './hardening.ts';
export * from './names.ts';
export * from './peers.ts';
export { policies, baselinePolicies, componentPolicies } from './policies.ts';
export {
  valuesTree, cidrListPaths, defaultValues, leaves, mergeValues, mergeOverrides, conditionHolds, allHold, deployed, istioActive,
  istioApiVersion, noClusterFacts, valueAt, type ValuesNode, type Leaf, type Group, type Values, type ClusterFacts,
  type InClusterBackend, type CallerPods,
} from './values.ts';
export { activeExceptions, openPeerReason } from './exceptions.ts';
export { crossFieldViolations, addressRules, shadowings, type CrossFieldViolation, type AddressRule } from './cross-field.ts';
export {
  switches, permutationCount, sampleIndexes, permutation, pickIndexes, pickClasses, type Switch, type Permutation, type DomainValue,
} from './permutations.ts';
