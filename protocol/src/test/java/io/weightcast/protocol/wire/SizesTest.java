package io.weightcast.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

  @ParameterizedTest(name = "''{0}'' is {1} bytes")
  @CsvSource(delimiter = '|', value = {
      "512MiB | 536870912",
      "8m | 8388608",
      "1.5GiB | 1610612736",
      "17 | 17",
      "17b | 17",
      "4k | 4096",
      "4KB | 4096",
      "2 GiB | 2147483648",
      "'  3kib  ' | 3072",
      "1T | 1099511627776",
      "0.5k | 512"})
  void parsesBinarySizes(String text, long bytes) {
    assertEquals(bytes, Sizes.parse(text));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"abc", "-1", "1.5 XiB", "1e3", "MiB", "1.", "1,5m", "5 5"})
  void rejectsNonSizes(String text) {
    assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
  }

  @CsvSource(delimiter = '|', value = {
      "0 | 0 B",
      "17 | 17 B",
      "1023 | 1023 B",
      "1024 | 1.0 KiB",
      "1536 | 1.5 KiB",
      "536870912 | 512 MiB",
      "1610612736 | 1.5 GiB",
      "1099511627776 | 1.0 TiB",
      "1125899906842624 | 1024 TiB"})
  void formatsBinarySizes(long bytes, String text) {
    assertEquals(text, Sizes.format(bytes));
  }

  @Test
  void formatsRatesInDecimalMegabytes() {
    assertEquals("123.5 MB/s", Sizes.rate(123.45e6 + 1));
    assertEquals("0.0 MB/s", Sizes.rate(0));
  }

  @ParameterizedTest
  @ValueSource(longs = {1024, 1536, 536870912, 1610612736})
  void parsesWhatItFormats(long bytes) {
    assertEquals(bytes, Sizes.parse(Sizes.format(bytes)));
  }
}
