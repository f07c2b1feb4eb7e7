package org.ghnas.experiments.cli;

import picocli.CommandLine;

/** Reports the ghnas version from the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = GhnasCommand.class.getPackage().getImplementationVersion();
        return new String[] {"ghnas " + (v == null ? "development build" : v)};
    }
}
