package io.xaccess.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The production (resource) account: bucket, KMS key and the role the development side assumes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProductionAccount extends AccountSpec {}
