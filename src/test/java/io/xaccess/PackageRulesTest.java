package io.xaccess;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The layering the code relies on, checked on the compiled classes. */
class PackageRulesTest {

  /** The operator's own classes, as compiled. */
  private static final JavaClasses MAIN =
      new ClassFileImporter().importPath(Path.of("target", "classes"));

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.xaccess.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void noAwsSdkTypeReachesTheReconcileLogicOrStatus() {
    noClasses()
        .that()
        .resideInAnyPackage("io.xaccess.reconciler..", "io.xaccess.status..", "io.xaccess.api..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("software.amazon.awssdk..")
        .check(MAIN);
  }

  @Test
  void theApiHoldsTypesOnly() {
    noClasses()
        .that()
        .resideInAPackage("io.xaccess.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.xaccess.aws..",
            "io.xaccess.cloudformation..",
            "io.xaccess.grant..",
            "io.xaccess.reconciler..",
            "io.xaccess.status..",
            "io.xaccess.verification..")
        .check(MAIN);
  }
}
