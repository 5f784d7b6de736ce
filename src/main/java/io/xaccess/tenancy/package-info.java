/**
 * Tenancy: which namespaces may make the operator grant which access. {@link
 * io.xaccess.tenancy.TenancyRules} decides, from the platform team's CrossAccountAccessPolicy
 * objects, whether a grant is permitted (pure, shared by every place that enforces it); {@link
 * io.xaccess.tenancy.Tenancy} feeds it the policies and namespace labels the operator watches.
 */
package io.xaccess.tenancy;
