package org.ghnas.experiments.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarConsumer;

/** Progress bars on stderr; plain lines every update when stderr is not a terminal (logs, CI). */
final class Progress {

    private Progress() {
    }

    static ProgressBarConsumer consumer() {
        if (System.console() != null) {
            return new ConsoleProgressBarConsumer(System.err);
        }
        return new DelegatingProgressBarConsumer(System.err::println);
    }
}
