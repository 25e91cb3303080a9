package datagraph;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Neo4j 5 Community, embedded, answering Bolt on 127.0.0.1 only, with authentication on.
 *
 * <p>Usage: Neo4jServer HOME PORT; the password for user neo4j comes from NEO4J_PASSWORD (an environment
 * variable, so that it is not on the process list). Prints "ready" once Bolt answers and the password is set;
 * stops cleanly on SIGTERM.
 */
public final class Neo4jServer {
  private Neo4jServer() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: Neo4jServer HOME PORT (password in NEO4J_PASSWORD)");
      System.exit(2);
    }
    String password = System.getenv("NEO4J_PASSWORD");
    if (password == null || password.length() < 8) {
      System.err.println("NEO4J_PASSWORD must be set, 8 characters at least (Neo4j's minimum)");
      System.exit(2);
    }
    DatabaseManagementService service =
        new DatabaseManagementServiceBuilder(Path.of(args[0]))
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", Integer.parseInt(args[1])))
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            .setConfig(GraphDatabaseSettings.pagecache_memory, 512L * 1024 * 1024)
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.shutdown();
                  stopped.countDown();
                }));
    // The first start creates user neo4j with the password "neo4j", to be changed at first login. Ours is set
    // at every start, so that a changed NEO4J_PASSWORD takes effect; Neo4j refuses to set the password a
    // user already has, so it passes through a random one first.
    try {
      var system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
      for (String next : new String[] {UUID.randomUUID().toString(), password}) {
        system.executeTransactionally(
            "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", next));
      }
    } catch (RuntimeException e) {
      System.err.println("could not set the password of user neo4j: " + e.getMessage());
      System.exit(1);
    }
    System.out.println("ready");
    System.out.flush();
    stopped.await();
  }
}
