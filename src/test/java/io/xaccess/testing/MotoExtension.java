package io.xaccess.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the JVM's moto server on first use, resets it before each test class so classes cannot see
 * each other's resources, and gives tests {@link AwsTestAccounts} and the {@link MotoServer}.
 *
 * <p>The account sessions are opened per test: a reset also forgets every session moto issued, and
 * moto then silently answers a forgotten session as its default account 123456789012.
 */
public final class MotoExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(MotoExtension.class);

  /** Closes the accounts' clients with the test's store. */
  private record ClosingAccounts(AwsTestAccounts accounts)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() throws Exception {
      accounts.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    MotoServer.shared().reset();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    context
        .getStore(NAMESPACE)
        .put(AwsTestAccounts.class, new ClosingAccounts(AwsTestAccounts.open(MotoServer.shared())));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == AwsTestAccounts.class || type == MotoServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getParameter().getType() == MotoServer.class) {
      return MotoServer.shared();
    }
    return context.getStore(NAMESPACE).get(AwsTestAccounts.class, ClosingAccounts.class).accounts();
  }
}
