/**
 * The {@code xaccess.io/v1alpha1} API: the {@code CrossAccountAccess} custom resource. Types only —
 * every field's description is what {@code kubectl explain} shows, and every validation here is
 * enforced by the API server at admission (OpenAPI schema and CEL rules in the generated CRD).
 */
package io.xaccess.api.v1alpha1;
