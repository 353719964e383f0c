package io.weightcast.registry.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlStoreTest {
  @TempDir Path dir;

  @Test
  void savedStateLoadsBackIdenticallyAndLeavesNoTempFile() throws Exception {
    ControlStore store = new ControlStore(dir);
    assertEquals(Map.of(), store.load().models());
    ModelControl c = new ModelControl(Optional.of("v1"), new TreeSet<>(List.of("v3")),
        new TreeSet<>(List.of("v2")));
    ControlAction a = new ControlAction("pin", "m", "v1", "alice", 42);
    store.save(new ControlStore.Snapshot(Map.of("m", c), List.of(a)));
    ControlStore.Snapshot back = new ControlStore(dir).load();
    assertEquals(Map.of("m", c), back.models());
    assertEquals(List.of(a), back.actions());
    try (var files = Files.list(dir)) {
      assertEquals(List.of("control.json"), files.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aCorruptFileFailsTheLoadWithItsName() throws Exception {
    Files.writeString(dir.resolve("control.json"), "{not json");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new ControlStore(dir).load());
    assertEquals(true, e.getMessage().contains("control.json"));
  }
}
