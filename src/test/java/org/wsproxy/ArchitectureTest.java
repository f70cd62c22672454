package org.wsproxy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

/**
 * The shape of the product's code, as the README's code layout describes it, checked on the
 * compiled classes so that it stays true.
 */
class ArchitectureTest {

    private static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.wsproxy");

    /** Each package depends on others in one direction only: metrics and status on server, never back. */
    @Test
    void packagesHaveNoCycles() {
        slices().matching("org.wsproxy.(*)..").should().beFreeOfCycles().check(PRODUCT);
    }

    /** Only the backend client knows Tyrus and Grizzly, the library it is built on. */
    @Test
    void onlyTheBackendClientKnowsTyrusAndGrizzly() {
        noClasses().that().resideOutsideOfPackage("org.wsproxy.backend..")
                .should().dependOnClassesThat().resideInAnyPackage("org.glassfish.tyrus..", "org.glassfish.grizzly..")
                .check(PRODUCT);
    }
}
