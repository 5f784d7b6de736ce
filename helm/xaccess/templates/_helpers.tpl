{{/* Name of every object of the release. */}}
{{- define "xaccess.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "xaccess.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "xaccess.labels" -}}
{{ include "xaccess.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: xaccess
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "xaccess.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "xaccess.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "xaccess.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The rules on grants, their Secrets and events, for a ClusterRole or a per-namespace Role. */}}
{{- define "xaccess.grantRules" -}}
# Watch grants, add/remove the finalizer, write status.
- apiGroups: [xaccess.io]
  resources: [crossaccountaccesses]
  verbs: [get, list, watch, patch, update]
- apiGroups: [xaccess.io]
  resources: [crossaccountaccesses/status]
  verbs: [get, patch, update]
- apiGroups: [xaccess.io]
  resources: [crossaccountaccesses/finalizers]
  verbs: [update]
# Read the Secrets a grant names (external ids, static keys): get only, no list or watch, so
# the operator never holds Secrets in memory.
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
# Events on every phase change and problem.
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
{{- end -}}

{{/* The Secret holding the webhook's serving certificate (tls.crt, tls.key). */}}
{{- define "xaccess.admissionSecretName" -}}
{{- if and (not .Values.admission.certManager.enabled) .Values.admission.existingSecret.name -}}
{{- .Values.admission.existingSecret.name -}}
{{- else -}}
{{- printf "%s-admission-tls" (include "xaccess.fullname" .) -}}
{{- end -}}
{{- end -}}
