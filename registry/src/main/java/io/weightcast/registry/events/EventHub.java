package io.weightcast.registry.events;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Fans registry events out to subscribers (SSE streams). Confined to the registry verticle's
 * context; a subscriber is removed by running the {@link Runnable} {@link #subscribe} answers
 * (idempotent).
 */
public final class EventHub {
  private final Set<Consumer<RegistryEvent>> subscribers = new LinkedHashSet<>();
  private int openTimers;

  public Runnable subscribe(Consumer<RegistryEvent> subscriber) {
    // Wrapped, so the same consumer subscribed twice is two subscriptions.
    Consumer<RegistryEvent> s = subscriber::accept;
    subscribers.add(s);
    return () -> subscribers.remove(s);
  }

  public void publish(RegistryEvent event) {
    for (Consumer<RegistryEvent> s : List.copyOf(subscribers)) {
      s.accept(event);
    }
  }

  /** Subscribers' heartbeat timers are counted here, so tests can see none is left behind. */
  public void timerOpened() {
    openTimers++;
  }

  public void timerClosed() {
    openTimers--;
  }

  public int openTimers() {
    return openTimers;
  }

  public int subscriberCount() {
    return subscribers.size();
  }
}
