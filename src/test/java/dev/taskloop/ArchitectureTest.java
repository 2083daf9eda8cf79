package dev.taskloop;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.taskloop.system.db.Database;
import org.junit.jupiter.api.Test;

/** The shape of the house (STYLE.md), as rules the build checks. */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.taskloop");

  @Test
  void onlyTheDatabaseLayerTouchesDriversAndPools() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.taskloop.system.db..")
        .and()
        .resideOutsideOfPackage(
            "dev.taskloop.reports..") // the legacy report: blocking JDBC by design
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx.pgclient..",
            "io.vertx.jdbcclient..",
            "java.sql..",
            "org.flywaydb..",
            "org.sqlite..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.vertx.sqlclient.Pool")
        .check(MAIN);
  }

  @Test
  void inFeaturesOnlyRepositoriesAndUseCasesTalkToTheDatabase() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.taskloop.system..", "dev.taskloop")
        .and()
        .haveSimpleNameNotEndingWith("Repository")
        .and()
        .doNotHaveSimpleName("Accounts") // use cases whose transactions span repositories
        .and()
        .haveSimpleNameNotEndingWith("Feature") // entry points: see the rule below
        .should()
        .dependOnClassesThat()
        .areAssignableTo(Database.class)
        .check(MAIN);
  }

  @Test
  void featureEntryPointsOnlyHandTheDatabaseToTheirRepositories() {
    noClasses()
        .that()
        .haveSimpleNameEndingWith("Feature")
        .should()
        .callMethodWhere(target(owner(assignableTo(Database.class))))
        .check(MAIN);
  }

  @Test
  void handlersLeaveTheDatabaseToRepositories() {
    noClasses()
        .that()
        .haveSimpleNameEndingWith("Routes")
        .and()
        .resideOutsideOfPackage("dev.taskloop.system..") // health checks ping the database itself
        .should()
        .dependOnClassesThat()
        .areAssignableTo(Database.class)
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("io.vertx.sqlclient..")
        .check(MAIN);
  }

  @Test
  void systemDoesNotDependOnFeatures() {
    noClasses()
        .that()
        .resideInAPackage("dev.taskloop.system..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.taskloop.tasks..")
        .check(MAIN);
  }
}
