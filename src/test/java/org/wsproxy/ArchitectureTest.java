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

    /**
     * Only Tomcat's client leg of the frame engine knows Tomcat's connector, and it is loaded by
     * name on Tomcat only (wire.ClientUpgrader): everything else runs on any container.
     */
    @Test
    void onlyTheTomcatClientLegKnowsTomcat() {
        noClasses().that().haveNameNotMatching("org\\.wsproxy\\.wire\\.Tomcat.*")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.coyote..", "org.apache.tomcat..",
                        "org.apache.catalina..")
                .check(PRODUCT);
        noClasses().that().resideOutsideOfPackage("org.wsproxy.wire..")
                .should().dependOnClassesThat().haveNameMatching("org\\.wsproxy\\.wire\\.Tomcat.*")
                .check(PRODUCT);
    }

    /** The frame engine (wire, upstream, io, frames) uses no Tyrus, Grizzly or container WebSocket API. */
    @Test
    void theFrameEngineStandsOnItsOwn() {
        noClasses().that().resideInAnyPackage("org.wsproxy.wire..", "org.wsproxy.upstream..", "org.wsproxy.io..",
                        "org.wsproxy.frames..")
                .should().dependOnClassesThat().resideInAnyPackage("org.glassfish..", "jakarta.websocket..",
                        "org.wsproxy.backend..", "org.wsproxy.jsr356..")
                .check(PRODUCT);
    }

    /** Only the backend client knows Tyrus and Grizzly, the library it is built on. */
    @Test
    void onlyTheBackendClientKnowsTyrusAndGrizzly() {
        noClasses().that().resideOutsideOfPackage("org.wsproxy.backend..")
                .should().dependOnClassesThat().resideInAnyPackage("org.glassfish.tyrus..", "org.glassfish.grizzly..")
                .check(PRODUCT);
    }
}
