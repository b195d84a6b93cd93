{{/* Names, labels and the pieces every workload shares. */}}

{{- define "gridam.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end }}

{{/* A process's resource name: gridam-diary-worker for diaryWorker. dict: root, key */}}
{{- define "gridam.componentName" -}}
{{- printf "%s-%s" (include "gridam.fullname" .root) (kebabcase .key) -}}
{{- end }}

{{- define "gridam.metaLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/part-of: gridam
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels of the release's shared objects (ConfigMap, Secret, volume, monitoring). */}}
{{- define "gridam.commonLabels" -}}
{{ include "gridam.metaLabels" . }}
app.kubernetes.io/name: gridam
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The labels that select one process's pods. dict: root, key */}}
{{- define "gridam.selectorLabels" -}}
app.kubernetes.io/name: gridam
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ kebabcase .key }}
{{- end }}

{{/* A process's objects. dict: root, key */}}
{{- define "gridam.labels" -}}
{{ include "gridam.metaLabels" .root }}
{{ include "gridam.selectorLabels" . }}
{{- end }}

{{- define "gridam.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .service.image (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end }}

{{/* "true" when the CDC projector keeps the MongoDB read model: only then do the services read it
(otherwise statistics, word clouds and search read their MySQL tables). */}}
{{- define "gridam.readModelOn" -}}
{{- if .Values.services.cdcProjector.enabled }}true{{ end -}}
{{- end }}

{{- define "gridam.settingsSecretName" -}}
{{- default (printf "%s-settings" (include "gridam.fullname" .)) .Values.secrets.existingSecret -}}
{{- end }}

{{/* Ports every image listens on (their Dockerfiles' defaults). */}}
{{- define "gridam.ports" -}}
http: 8080
grpc: 50051
metrics: 9464
{{- end }}

{{/* The restricted Pod Security Standard: non-root uid 10001 (the images' user), no privilege escalation, no capabilities, read-only root. */}}
{{- define "gridam.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
# Volumes already owned by the group are not walked again at every start (a large media volume).
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "gridam.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end }}

{{/*
The environment of a process: the shared ConfigMap, where it runs (pod IP, name), its secret
settings, its own env from values. dict: root, key, component, service
*/}}
{{- define "gridam.env" -}}
{{- $optional := list "kakao-client-secret" "naver-client-secret" -}}
- name: GRIDAM_ADVERTISE_HOST
  valueFrom:
    fieldRef: {fieldPath: status.podIP}
- name: GRIDAM_INSTANCE_ID
  valueFrom:
    fieldRef: {fieldPath: metadata.name}
{{- if and (eq .root.Values.discovery.mode "consul") (eq .root.Values.discovery.consul.address "hostIP") }}
- name: GRIDAM_CONSUL_HOST
  valueFrom:
    fieldRef: {fieldPath: status.hostIP}
- name: GRIDAM_CONSUL_HTTP_ADDR
  value: {{ printf "$(GRIDAM_CONSUL_HOST):%v" .root.Values.discovery.consul.port | quote }}
{{- end }}
{{- if and (eq .root.Values.discovery.mode "consul") (or (ne .component.kind "worker") .component.calls) }}
{{- /* Consul's ACL token, for the processes that register or resolve: key consul-token of the settings Secret, if there. */}}
- name: GRIDAM_CONSUL_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "gridam.settingsSecretName" .root }}
      key: consul-token
      optional: true
{{- end }}
{{- range $variable, $secretKey := .component.secretEnv }}
{{- if or (ne $secretKey "analytics-mongodb-url") (include "gridam.readModelOn" $.root) }}
- name: {{ $variable }}
  valueFrom:
    secretKeyRef:
      name: {{ include "gridam.settingsSecretName" $.root }}
      key: {{ $secretKey }}
      {{- if has $secretKey $optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end }}
{{- range $variable, $value := .component.env }}
- name: {{ $variable }}
  value: {{ $value | quote }}
{{- end }}
{{- range $variable, $value := .service.env }}
- name: {{ $variable }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
Volumes: a scratch /tmp and data dir (the root is read-only), each at most scratchSizeLimit (the
kubelet evicts a pod that writes more), /dev/shm when shmSizeLimit is set, the keys, the media
volume. dict: root, component, service
*/}}
{{- define "gridam.volumes" -}}
{{- $scratch := dict "sizeLimit" (default "1Gi" .service.scratchSizeLimit) }}
- name: tmp
  emptyDir: {{ toJson $scratch }}
- name: data
  emptyDir: {{ toJson $scratch }}
{{- with .service.shmSizeLimit }}
- name: shm
  emptyDir: {medium: Memory, sizeLimit: {{ . }}}
{{- end }}
{{- if .component.keys }}
- name: keys
  secret:
    secretName: {{ .root.Values.keys.existingSecret }}
    # Owned by root, readable through the pod's fsGroup (the images' group 10001).
    defaultMode: 0440
    items:
      {{- range .component.keys }}
      - {key: {{ . }}, path: {{ . }}}
      {{- end }}
{{- end }}
{{- if .component.media }}
- name: media
  persistentVolumeClaim:
    claimName: {{ default (printf "%s-media" (include "gridam.fullname" .root)) .root.Values.media.existingClaim }}
{{- end }}
{{- with .service.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "gridam.volumeMounts" -}}
- {name: tmp, mountPath: /tmp}
- {name: data, mountPath: /var/lib/gridam}
{{- if .service.shmSizeLimit }}
- {name: shm, mountPath: /dev/shm}
{{- end }}
{{- if .component.keys }}
- {name: keys, mountPath: /var/lib/gridam/keys, readOnly: true}
{{- end }}
{{- if .component.media }}
- {name: media, mountPath: /var/lib/gridam/media}
{{- end }}
{{- with .service.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Probes (libs/gridam_runtime/server.py says what each health name reports).
gRPC services: liveness and the startup probe ask gRPC health for "liveness", which is SERVING
while the process serves and follows no dependency: a database or Redis outage takes pods out of
the balancer (readiness) and restarts none. Readiness asks for the service by name: NOT_SERVING
while its database or Redis is unreachable, while Consul refuses its token, before the
gpu-worker's engines have loaded, and while draining on shutdown.
The startup probe gives every process 5 minutes to start listening before liveness takes over (a
cold node, the emotion models); a process listens before it is ready, so slow loading behind it
(the gpu-worker's model, GRIDAM_WORKER_START_TIMEOUT_SECONDS) is readiness's concern, not liveness's.
The gateway answers /healthz itself: it is not taken out of the balancer when one backend is down
(each request then fails alone, with a 503 in Korean); /readyz reports the backends, for people.
Workers have no inbound traffic: liveness is their metrics endpoint answering.
dict: component
*/}}
{{- define "gridam.probes" -}}
{{- $ports := include "gridam.ports" . | fromYaml }}
{{- $startup := dict "periodSeconds" 2 "failureThreshold" 150 }}
{{- if eq .component.kind "http" -}}
startupProbe:
  httpGet: {path: /healthz, port: http}
  {{- toYaml $startup | nindent 2 }}
readinessProbe:
  httpGet: {path: /healthz, port: http}
  periodSeconds: 5
  failureThreshold: 2
livenessProbe:
  httpGet: {path: /healthz, port: http}
  periodSeconds: 10
  failureThreshold: 3
{{- else if eq .component.kind "grpc" }}
{{- /* A gRPC probe takes a port number, not a port name. */}}
{{- $liveness := dict "port" $ports.grpc "service" (include "gridam.livenessService" .) -}}
startupProbe:
  grpc: {{ toJson $liveness }}
  {{- toYaml $startup | nindent 2 }}
readinessProbe:
  grpc: {port: {{ $ports.grpc }}, service: {{ .component.grpcService }}}
  periodSeconds: 5
  failureThreshold: 2
livenessProbe:
  grpc: {{ toJson $liveness }}
  periodSeconds: 10
  failureThreshold: 3
{{- else -}}
startupProbe:
  httpGet: {path: /metrics, port: metrics}
  {{- toYaml $startup | nindent 2 }}
livenessProbe:
  httpGet: {path: /metrics, port: metrics}
  periodSeconds: 15
  failureThreshold: 3
{{- end }}
{{- end }}

{{/* The gRPC health name of liveness: server.LIVENESS_SERVICE (the chart tests check they agree). */}}
{{- define "gridam.livenessService" -}}
liveness
{{- end }}

{{/* Egress to DNS: networkPolicy.dns's peers, on each of its ports over UDP and TCP. */}}
{{- define "gridam.dnsEgress" -}}
# dns
- to:
    {{- toYaml .Values.networkPolicy.dns.peers | nindent 4 }}
  ports:
    {{- range .Values.networkPolicy.dns.ports }}
    - {port: {{ . }}, protocol: UDP}
    - {port: {{ . }}, protocol: TCP}
    {{- end }}
{{- end }}

{{/* Egress to one of externalStores (its CIDRs and ports). dict: root, store */}}
{{- define "gridam.storeEgress" -}}
{{- $store := get .root.Values.externalStores .store -}}
# {{ .store }}
- to:
    {{- range $store.cidrs }}
    - ipBlock: {cidr: {{ . }}}
    {{- end }}
  ports:
    {{- range $store.ports }}
    - {port: {{ . }}, protocol: TCP}
    {{- end }}
{{- end }}

{{/* The labels of the migration Jobs' pods (their NetworkPolicy selects them). */}}
{{- define "gridam.migrationSelectorLabels" -}}
app.kubernetes.io/name: gridam
app.kubernetes.io/instance: {{ .Release.Name }}
gridam.io/role: migration
{{- end }}

{{/* "true" when a process's limits ask for an extended device resource (nvidia.com/gpu, amd.com/gpu, ...). dict: a service's values */}}
{{- define "gridam.usesDevice" -}}
{{- range $name, $amount := .resources.limits }}{{ if and (contains "/" $name) $amount }}true{{ end }}{{ end -}}
{{- end }}

{{/*
A checksum of a Secret's content, as a pod annotation: the pods roll when it changes. The
chart-made settings Secret is hashed as rendered; a Secret you manage is read from the cluster
(`lookup`) at `helm install`/`upgrade`, so rotating it and running `helm upgrade` rolls the pods
that read it. `helm template` and Argo CD cannot look Secrets up (the checksum then stays that of
nothing): there, use a reloader or change the pods' podAnnotations. dict: root, name
*/}}
{{- define "gridam.secretChecksum" -}}
{{- if and (not .root.Values.secrets.existingSecret) (eq .name (include "gridam.settingsSecretName" .root)) -}}
{{- include (print .root.Template.BasePath "/settings-secret.yaml") .root | sha256sum -}}
{{- else -}}
{{- (lookup "v1" "Secret" .root.Release.Namespace .name).data | toJson | sha256sum -}}
{{- end -}}
{{- end }}
