/**
 * The flow contract: the hand-written oracle the rendered chart is checked against (test/contract/topology.yaml
 * and flows.yaml, written from the real sources; never from tools/model). A pipeline stage of its own, after
 * tools/analyze, before tools/report.
 *
 * ```ts
 * import { checkContract, contractVerdicts } from '../contract/index.ts';
 *
 * checkContract(manifests, values, { istioApi: false });         // failures, each naming its reading(s); [] when it holds
 * checkContractDocuments(documents, values, facts);               // the same for an output given as its documents
 * contractVerdicts(manifests, values, facts, 'kubelet');          // each tested connection of one flow, per reading
 * ```
 *
 * The contract is evaluated under the two named readings of ipBlock (`calico`, `cilium`; see
 * tools/analyze/reading.ts); the facts are what the chart reads of the cluster (`.Capabilities`).
 */
export {
  checkContract, checkContractWithStats, checkContractDocuments, checkContractDocumentsWithStats, evaluateContract,
  evaluateContractDocuments, contractVerdicts, contractConnections, documentsOf, ruleComments, topologyFor, presentPeersFor, resetContractCaches,
  type ContractResult, type ContractStats, type FlowVerdict,
} from './evaluate.ts';
export {
  loadContract, contractDir, ValuesReader, istioRuns, valueAt, NO_FACTS,
  type ContractSpec, type FlowSpec, type PeerSpec, type TopologySpec, type Facts, type PeerKind,
} from './spec.ts';
export { analyzerPeer, instantiate, outsideAddress, type ContractPeer, type Topology } from './topology.ts';
export { contractText } from './messages.ts';
export {
  auditExisting, clusterWith, foreignPolicies, formatReopened, loadExistingPolicies, policiesOf, type ReopenedFlow,
} from './existing.ts';
