package io.xaccess.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.xaccess.api.v1alpha1.CrossAccountAccess;
import io.xaccess.api.v1alpha1.CrossAccountAccessPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Generates the xaccess CRD from the api/ types with Fabric8's CRD generator. */
public final class CrdGeneration {

  /** The file name the generator gives the CRD, also used under crds/. */
  public static final String FILE_NAME = "crossaccountaccesses.xaccess.io-v1.yml";

  /** The file name of the tenancy policy's CRD. */
  public static final String POLICY_FILE_NAME = "crossaccountaccesspolicies.xaccess.io-v1.yml";

  /** Every CRD file the generator writes, as under crds/. */
  public static final List<String> FILE_NAMES = List.of(FILE_NAME, POLICY_FILE_NAME);

  private CrdGeneration() {}

  /** Writes the CRDs into {@code directory} and returns the grant's CRD file. */
  public static Path generate(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    new CRDGenerator()
        .inOutputDir(directory.toFile())
        .forCRDVersions("v1")
        .withPostProcessor(new Finishing())
        .customResourceClasses(CrossAccountAccess.class, CrossAccountAccessPolicy.class)
        .generate();
    return directory.resolve(FILE_NAME);
  }

  /**
   * What the generator cannot express from annotations: the resource's own description, printer
   * columns in declared order (it sorts them by JSON path; kubectl shows list order, AGE last), and
   * conditions as a map keyed by type, as metav1.Condition lists are.
   */
  static final class Finishing implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      if (crd.getMetadata().getName().startsWith("crossaccountaccesspolicies.")) {
        return finishPolicy((CustomResourceDefinition) crd);
      }
      for (var version : ((CustomResourceDefinition) crd).getSpec().getVersions()) {
        JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
        root.setDescription(CrossAccountAccess.DESCRIPTION);
        JSONSchemaProps conditions =
            root.getProperties().get("status").getProperties().get("conditions");
        conditions.setXKubernetesListType("map");
        conditions.setXKubernetesListMapKeys(List.of("type"));
        conditions.getItems().getSchema().setRequired(List.of("type", "status"));
      }
      List<String> declared =
          Arrays.stream(
                  CrossAccountAccess.class.getAnnotationsByType(AdditionalPrinterColumn.class))
              .map(AdditionalPrinterColumn::name)
              .toList();
      ((CustomResourceDefinition) crd)
          .getSpec()
          .getVersions()
          .forEach(
              version ->
                  version
                      .getAdditionalPrinterColumns()
                      .sort(
                          Comparator.comparingInt(
                              (CustomResourceColumnDefinition c) ->
                                  declared.indexOf(c.getName()))));
      return crd;
    }

    private static HasMetadata finishPolicy(CustomResourceDefinition crd) {
      List<String> declared =
          Arrays.stream(
                  CrossAccountAccessPolicy.class.getAnnotationsByType(
                      AdditionalPrinterColumn.class))
              .map(AdditionalPrinterColumn::name)
              .toList();
      for (var version : crd.getSpec().getVersions()) {
        version
            .getSchema()
            .getOpenAPIV3Schema()
            .setDescription(CrossAccountAccessPolicy.DESCRIPTION);
        version
            .getAdditionalPrinterColumns()
            .sort(
                Comparator.comparingInt(
                    (CustomResourceColumnDefinition c) -> declared.indexOf(c.getName())));
      }
      return crd;
    }
  }
}
