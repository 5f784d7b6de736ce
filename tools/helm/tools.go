//go:build tools

// Package tools pins the Helm CLI that the chart tests and `make helm-lint` run.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
