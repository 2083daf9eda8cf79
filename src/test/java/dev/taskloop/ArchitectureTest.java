package dev.taskloop;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.taskloop.system.db.Database;
import org.junit.jupiter.api.Test;

/**
 * The shape of the house (STYLE.md), as rules the build checks. Features are the packages under
 * {@code dev.taskloop} other than {@code system}; the root package only wires them.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.taskloop");

  private static final String[] FEATURES = {
    "dev.taskloop.tasks..",
    "dev.taskloop.catalog..",
    "dev.taskloop.reports..",
    "dev.taskloop.users..",
    "dev.taskloop.auth.."
  };

  /**
   * Features depend on {@code system}, and on {@code auth} (who is calling) where they must; never
   * on each other. {@code system} depends on no feature. Only the root package wires them together.
   */
  @Test
  void featuresDependOnSystemAndAuthOnlyNeverOnEachOther() {
    layeredArchitecture()
        .consideringOnlyDependenciesInAnyPackage("dev.taskloop..")
        .layer("Wiring")
        .definedBy("dev.taskloop")
        .layer("Tasks")
        .definedBy(FEATURES[0])
        .layer("Catalog")
        .definedBy(FEATURES[1])
        .layer("Reports")
        .definedBy(FEATURES[2])
        .layer("Users")
        .definedBy(FEATURES[3])
        .layer("Auth")
        .definedBy(FEATURES[4])
        .layer("System")
        .definedBy("dev.taskloop.system..")
        .whereLayer("Wiring")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Tasks")
        .mayOnlyBeAccessedByLayers("Wiring")
        .whereLayer("Catalog")
        .mayOnlyBeAccessedByLayers("Wiring")
        .whereLayer("Reports")
        .mayOnlyBeAccessedByLayers("Wiring")
        .whereLayer("Users")
        .mayOnlyBeAccessedByLayers("Wiring")
        .whereLayer("Auth")
        .mayOnlyBeAccessedByLayers("Wiring", "Tasks", "Catalog", "Reports", "Users")
        .whereLayer("System")
        .mayOnlyBeAccessedByLayers("Wiring", "Tasks", "Catalog", "Reports", "Users", "Auth")
        .check(MAIN);
  }

  @Test
  void onlyTheDatabaseLayerTouchesDriversPoolsAndMigrations() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.taskloop.system.db..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx.pgclient..", "io.vertx.jdbcclient..", "org.flywaydb..", "org.sqlite..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.vertx.sqlclient.Pool")
        .check(MAIN);
  }

  /** Plain JDBC is blocking: the database layer, and the legacy report (on its own pool). */
  @Test
  void blockingJdbcStaysInTheDatabaseLayerAndTheLegacyReport() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.taskloop.system.db..", "dev.taskloop.reports..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("java.sql..")
        .check(MAIN);
  }

  /** Repositories speak the domain: paging and absence in, {@code Optional} and outcomes out. */
  @Test
  void repositoriesKnowNothingOfHttp() {
    noClasses()
        .that()
        .haveSimpleNameEndingWith("Repository")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.taskloop.system.http..", "io.vertx.ext.web..", "io.vertx.core.http..")
        .check(MAIN);
  }

  /**
   * In features, SQL runs in repositories only: other classes (use cases spanning repositories) may
   * open a transaction, or name a write scope ({@code autoCommit}, {@code within}), to hand to
   * them, and wiring ({@code *Feature}) may pass the database on, but nothing else calls it.
   */
  @Test
  void inFeaturesOnlyRepositoriesRunStatements() {
    noClasses()
        .that()
        .resideInAnyPackage(FEATURES)
        .and()
        .haveSimpleNameNotEndingWith("Repository")
        .should()
        .callMethodWhere(
            target(owner(assignableTo(Database.class)))
                .and(not(target(name("inTransaction"))))
                .and(not(target(name("autoCommit"))))
                .and(not(target(name("within")))))
        .check(MAIN);
  }

  @Test
  void handlersLeaveTheDatabaseToRepositories() {
    noClasses()
        .that()
        .haveSimpleNameEndingWith("Routes")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vertx.sqlclient..")
        .orShould()
        .dependOnClassesThat()
        .areAssignableTo(Database.class)
        .because("a handler parses, calls one repository or use case, and responds")
        .check(MAIN);
  }

  /**
   * Minimal visibility (STYLE.md): a type is public only when another package needs it. At most a
   * third of the top-level types may be, so that a drift towards public shows in the build. Nested
   * types do not count either way: a public nested type is only reachable through its public host.
   */
  @Test
  void atMostAThirdOfTheTopLevelTypesArePublic() {
    var topLevel = MAIN.stream().filter(JavaClass::isTopLevelClass).toList();
    var exposed =
        topLevel.stream()
            .filter(type -> type.getModifiers().contains(JavaModifier.PUBLIC))
            .map(JavaClass::getName)
            .sorted()
            .toList();
    assertTrue(
        exposed.size() * 3 <= topLevel.size(),
        () ->
            exposed.size()
                + " of "
                + topLevel.size()
                + " top-level types are public, more than a third; does another package need each"
                + " of them? "
                + exposed);
  }
}
