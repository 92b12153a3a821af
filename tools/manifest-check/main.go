// manifest-check validates rendered Kubernetes manifests (multi-document YAML on stdin, as
// `helm template` prints them) against the typed Go API objects: each document is decoded into
// its kind's struct with unknown fields rejected, so a misspelt or misplaced field, a wrong type
// or an unknown kind fails. KEDA's ScaledObject is checked against KEDA's own types and the
// ServiceMonitor against the Prometheus Operator's. No network: the types are compiled in.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	kedav1alpha1 "github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// kinds maps apiVersion/kind to a new typed object to decode into.
var kinds = map[string]func() any{
	"apps/v1/Deployment":                      func() any { return &appsv1.Deployment{} },
	"batch/v1/Job":                            func() any { return &batchv1.Job{} },
	"v1/ConfigMap":                            func() any { return &corev1.ConfigMap{} },
	"v1/Service":                              func() any { return &corev1.Service{} },
	"policy/v1/PodDisruptionBudget":           func() any { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v2/HorizontalPodAutoscaler":  func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"keda.sh/v1alpha1/ScaledObject":           func() any { return &kedav1alpha1.ScaledObject{} },
	"monitoring.coreos.com/v1/ServiceMonitor": func() any { return &monitoringv1.ServiceMonitor{} },
	"monitoring.coreos.com/v1/PrometheusRule": func() any { return &monitoringv1.PrometheusRule{} },
}

type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

func check(document []byte) (string, error) {
	asJSON, err := yaml.YAMLToJSON(document)
	if err != nil {
		return "", fmt.Errorf("not YAML: %w", err)
	}
	var h header
	if err := json.Unmarshal(asJSON, &h); err != nil {
		return "", fmt.Errorf("no apiVersion/kind: %w", err)
	}
	name := fmt.Sprintf("%s %s/%s", h.Kind, h.APIVersion, h.Metadata.Name)
	newObject, known := kinds[h.APIVersion+"/"+h.Kind]
	if !known {
		return name, fmt.Errorf("unknown kind %s/%s", h.APIVersion, h.Kind)
	}
	if h.Metadata.Name == "" {
		return name, errors.New("no metadata.name")
	}
	decoder := json.NewDecoder(bytes.NewReader(asJSON))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(newObject()); err != nil {
		return name, err
	}
	return name, nil
}

func main() {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(os.Stdin))
	checked, failed := 0, 0
	for {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "manifest-check: reading: %v\n", err)
			os.Exit(2)
		}
		if len(bytes.TrimSpace(document)) == 0 || bytes.Equal(bytes.TrimSpace(document), []byte("---")) {
			continue
		}
		name, err := check(document)
		checked++
		if err != nil {
			failed++
			fmt.Printf("invalid %s: %v\n", name, err)
		} else {
			fmt.Printf("valid   %s\n", name)
		}
	}
	fmt.Printf("%d manifest(s) checked, %d invalid\n", checked, failed)
	if failed > 0 || checked == 0 {
		os.Exit(1)
	}
}
