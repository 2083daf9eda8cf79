package dev.taskloop.system.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM and the process, through Micrometer's binders: heap and other memory pools ({@code
 * jvm_memory_*}), GC pauses ({@code jvm_gc_pause_seconds}), threads ({@code jvm_threads_*}),
 * classes, CPU ({@code process_cpu_usage}), open file descriptors ({@code process_files_open_files}
 * against {@code process_files_max_files}) and uptime ({@code process_uptime_seconds}); and {@code
 * taskloop_build_info{version,database}}, always 1.
 */
final class ProcessMeters {
  private ProcessMeters() {}

  /**
   * Binds them to {@code registry}; what is returned unhooks the GC listener (several services may
   * run in one JVM, as in the tests).
   */
  static AutoCloseable bind(MeterRegistry registry, String version, String database) {
    new JvmMemoryMetrics().bindTo(registry);
    var gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("taskloop.build.info", () -> 1)
        .description("The running build: its version, and the database it serves from")
        .tags("version", version, "database", database)
        .strongReference(true)
        .register(registry);
    return gc;
  }
}
