{{/* Names and labels shared by every object of the chart. */}}
{{- define "cdp-router.fullname" -}}
{{- printf "%s-cdp-router" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cdp-router.selectorLabels" -}}
app.kubernetes.io/name: cdp-router
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "cdp-router.labels" -}}
{{ include "cdp-router.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
{{- end -}}

{{- define "cdp-router.image" -}}
{{ printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) | quote }}
{{- end -}}

{{/*
The environment every container of the chart (the workers, a replay Job) runs with: Kafka, the
registry and the delivery mode from values; credentials only from existing Secrets, by name.
*/}}
{{- define "cdp-router.env" -}}
- name: KAFKA_BROKERS
  value: {{ .Values.kafka.brokers | quote }}
- name: SCHEMA_REGISTRY_URL
  value: {{ .Values.schemaRegistry.url | quote }}
- name: CDP_DELIVERY
  value: {{ .Values.delivery | quote }}
- name: CDP_GROUP_ID
  value: {{ .Values.groupId | quote }}
- name: CDP_INPUT_TOPICS
  value: {{ .Values.inputTopics | quote }}
- name: CDP_WORKER_ID
  valueFrom:
    fieldRef: { fieldPath: metadata.name }
{{- with .Values.kafka.sasl }}
{{- if .enabled }}
- name: KAFKA_SASL_MECHANISM
  value: {{ .mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef: { name: {{ .existingSecret | quote }}, key: {{ .usernameKey | quote }} }
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ .existingSecret | quote }}, key: {{ .passwordKey | quote }} }
{{- end }}
{{- end }}
{{- with .Values.kafka.tls }}
{{- if .enabled }}
- name: KAFKA_TLS
  value: "true"
- name: KAFKA_TLS_REJECT_UNAUTHORIZED
  value: {{ .rejectUnauthorized | quote }}
{{- if .existingSecret }}
- name: KAFKA_TLS_CA_FILE
  value: /etc/cdp-router/kafka-tls/{{ .caKey }}
{{- if .certKey }}
- name: KAFKA_TLS_CERT_FILE
  value: /etc/cdp-router/kafka-tls/{{ .certKey }}
- name: KAFKA_TLS_KEY_FILE
  value: /etc/cdp-router/kafka-tls/{{ .keyKey }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.schemaRegistry.auth }}
{{- if .existingSecret }}
- name: SCHEMA_REGISTRY_USERNAME
  valueFrom:
    secretKeyRef: { name: {{ .existingSecret | quote }}, key: {{ .usernameKey | quote }} }
- name: SCHEMA_REGISTRY_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ .existingSecret | quote }}, key: {{ .passwordKey | quote }} }
{{- end }}
{{- end }}
- name: CDP_PIPELINE_CONFIG
  value: /etc/cdp-router/config/pipeline.json
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* The pipeline configuration (a ConfigMap) and the Kafka TLS files (an existing Secret), read-only. */}}
{{- define "cdp-router.volumeMounts" -}}
- name: config
  mountPath: /etc/cdp-router/config
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.existingSecret }}
- name: kafka-tls
  mountPath: /etc/cdp-router/kafka-tls
  readOnly: true
{{- end }}
{{- end -}}

{{- define "cdp-router.volumes" -}}
- name: config
  configMap:
    name: {{ include "cdp-router.fullname" . }}
- name: tmp
  emptyDir: {}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.existingSecret }}
- name: kafka-tls
  secret:
    secretName: {{ .Values.kafka.tls.existingSecret | quote }}
{{- end }}
{{- end -}}
