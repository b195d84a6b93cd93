// Validates custom resources against the models generated from their operators' CRDs.
// Input (stdin): a JSON array of resources. Output (stdout): a JSON array with one entry per
// resource, {kind, name, error} where error is null when valid. Exit 2 on an unknown kind.
import * as monitoringV1 from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import * as monitoringV1alpha1 from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1";
import * as argoV1alpha1 from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";

const MODELS = {
  "monitoring.coreos.com/v1": monitoringV1,
  "monitoring.coreos.com/v1alpha1": monitoringV1alpha1,
  "argoproj.io/v1alpha1": argoV1alpha1,
};

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const resources = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const results = [];
for (const resource of resources) {
  const Model = MODELS[resource.apiVersion]?.[resource.kind];
  if (typeof Model !== "function") {
    console.error(`no model for ${resource.apiVersion} ${resource.kind}`);
    process.exit(2);
  }
  let error = null;
  try {
    new Model(resource).validate();
  } catch (e) {
    error = e.message;
  }
  results.push({ kind: resource.kind, name: resource.metadata?.name, error });
}
console.log(JSON.stringify(results));
