package io.xaccess.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessProbeTest {

  @Test
  void readsG1sOneHeapLine() {
    ProcessProbe.Heap heap =
        ProcessProbe.Heap.parse(
            """
            27373:
             garbage-first heap   total 262144K, used 51439K [0x00000000f0000000, 0x0000000100000000)
              region size 1024K, 1 young (1024K), 0 survivors (0K)
             Metaspace       used 60077K, committed 60320K, reserved 1114112K
              class space    used 7003K, committed 7128K, reserved 1048576K
            """);
    assertThat(heap).isEqualTo(new ProcessProbe.Heap(50, 256, 58, "G1"));
  }

  /** What the image's JVM picks under the chart's 1-CPU, 512 MiB limit. */
  @Test
  void addsUpSerialsGenerations() {
    ProcessProbe.Heap heap =
        ProcessProbe.Heap.parse(
            """
            1:
             def new generation   total 9792K, used 2495K [0x00000000e8000000, 0x00000000e8aa0000, 0x00000000f0000000)
              eden space 8704K,  22% used [0x00000000e8000000, 0x00000000e807bd48, 0x00000000e8880000)
              from space 1088K,   0% used [0x00000000e8880000, 0x00000000e8880000, 0x00000000e8990000)
              to   space 1088K,   0% used [0x00000000e8990000, 0x00000000e8990000, 0x00000000e8aa0000)
             tenured generation   total 60552K, used 40960K [0x00000000f0000000, 0x00000000f3b22000, 0x0000000100000000)
               the space 60552K,  67% used [0x00000000f0000000, 0x00000000f2800000, 0x00000000f2800200, 0x00000000f3b22000)
             Metaspace       used 3206K, committed 3392K, reserved 1114112K
              class space    used 297K, committed 384K, reserved 1048576K
            """);
    assertThat(heap)
        .isEqualTo(
            new ProcessProbe.Heap((2495 + 40960) / 1024, (9792 + 60552) / 1024, 3, "Serial"));
  }

  @Test
  void addsUpParallelsGenerations() {
    ProcessProbe.Heap heap =
        ProcessProbe.Heap.parse(
            """
             PSYoungGen      total 76288K, used 3932K [0x00000000fab00000, 0x0000000100000000, 0x0000000100000000)
              eden space 65536K, 6% used [0x00000000fab00000,0x00000000faed70f0,0x00000000feb00000)
             ParOldGen       total 175104K, used 0K [0x00000000f0000000, 0x00000000fab00000, 0x00000000fab00000)
              object space 175104K, 0% used [0x00000000f0000000,0x00000000f0000000,0x00000000fab00000)
             Metaspace       used 133K, committed 384K, reserved 1114112K
            """);
    assertThat(heap).isEqualTo(new ProcessProbe.Heap(3, 245, 0, "Parallel"));
  }

  @Test
  void anAnswerWithoutAHeapIsUnknown() {
    assertThat(ProcessProbe.Heap.parse("12: com.sun.tools.attach.AttachNotSupportedException"))
        .isEqualTo(new ProcessProbe.Heap(-1, -1, -1, "?"));
  }
}
