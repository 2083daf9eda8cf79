package dev.taskloop.system.scale;

import dev.taskloop.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Steady traffic through the load balancer while an instance stops: each thread alternates a POST
 * /tasks and a GET of the task it created, and every answer that is not 2xx (or an I/O failure) is
 * kept.
 */
final class Load {
  record Result(int ok, List<String> failures) {}

  private final Http http;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger ok = new AtomicInteger();
  private final List<String> failures = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  /** Each round holds it shared; {@link #pause} takes it exclusive, once no round is in flight. */
  private final ReentrantReadWriteLock rounds = new ReentrantReadWriteLock();

  Load(Http http) {
    this.http = http;
  }

  void start(int n) {
    for (int i = 0; i < n; i++) {
      threads.add(Thread.ofPlatform().start(this::run));
    }
  }

  private void run() {
    int i = 0;
    while (running.get()) {
      rounds.readLock().lock();
      try {
        var created = http.post("/tasks", "{\"title\":\"load " + i++ + "\"}");
        record(created, "POST /tasks");
        if (created.status() == 201) {
          record(http.get("/tasks/" + created.json().get("id").asLong()), "GET /tasks/{id}");
        }
      } catch (RuntimeException e) {
        synchronized (failures) {
          failures.add(e.toString());
        }
      } finally {
        rounds.readLock().unlock();
      }
    }
  }

  /** Waits until no request is in flight and holds new ones back until {@link #resume}. */
  void pause() {
    rounds.writeLock().lock();
  }

  /** Lets the threads go on; by the thread that paused. */
  void resume() {
    rounds.writeLock().unlock();
  }

  private void record(Http.Response response, String what) {
    if (response.status() / 100 == 2) {
      ok.incrementAndGet();
    } else {
      synchronized (failures) {
        failures.add(what + " " + response.status() + " " + response.body());
      }
    }
  }

  Result stop() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(10_000);
    }
    synchronized (failures) {
      return new Result(ok.get(), List.copyOf(failures));
    }
  }
}
