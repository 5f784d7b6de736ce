package io.xaccess;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.xaccess.render.RenderCommand;
import java.util.Arrays;
import java.util.List;

/**
 * The jar's entry point: {@code render} (and {@code --help}) run offline and exit without booting
 * the operator — no configuration, Kubernetes client or AWS client is created; anything else, and
 * no argument at all, starts the operator as before.
 */
@QuarkusMain
public final class XaccessMain {

  private static final String HELP =
      """
      Usage: xaccess [render ...]

        (no arguments)   run the operator (configured by xaccess.* settings, XACCESS_* env)
        render ...       render a CrossAccountAccess manifest offline; 'render --help' for more
        --help           this text
      """;

  /** Quarkus makes the {@code @QuarkusMain} class a bean: its constructor may not be private. */
  XaccessMain() {}

  public static void main(String... args) {
    List<String> arguments = Arrays.asList(args);
    if (!arguments.isEmpty() && "render".equals(arguments.get(0))) {
      System.exit(
          RenderCommand.run(
              arguments.subList(1, arguments.size()), System.in, System.out, System.err));
    }
    if (!arguments.isEmpty() && List.of("--help", "-h", "help").contains(arguments.get(0))) {
      System.out.print(HELP);
      System.exit(RenderCommand.OK);
    }
    Quarkus.run(args);
  }
}
