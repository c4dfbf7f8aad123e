package dev.jnas.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jnas.experiment.ExperimentRunner;
import dev.jnas.store.ExperimentLock;
import dev.jnas.store.SqliteTrialStore;
import dev.jnas.store.TrialRecord;
import dev.jnas.util.BadInputException;
import dev.jnas.util.Json;
import dev.jnas.util.NasException;
import dev.jnas.view.ExperimentView;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The read-only dashboard: experiment pages and their JSON, live over server-sent events.
 *
 * <p>Only GET requests exist, so nothing in the browser can change an experiment. Bound to the
 * loopback address unless a host is given; a server reachable from elsewhere must have a token,
 * which every request then carries (header {@code Authorization: Bearer TOKEN}, or {@code
 * ?token=TOKEN} once, after which a cookie carries it), or it answers 401. Experiments are named by
 * id ({@link ExperimentFolders}), never by path. Every page is rendered in the browser from JSON
 * with text nodes, so names and architecture strings are shown as text, never run as markup.
 *
 * <pre>{@code
 * try (Dashboard d = Dashboard.start(Dashboard.Settings.local(Path.of("experiments"), 8265))) {
 *   System.out.println(d.url());
 * }
 * }</pre>
 */
public final class Dashboard implements AutoCloseable {
  /** The default port (as Ray's dashboard). */
  public static final int DEFAULT_PORT = 8265;
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{16,256}");
  private static final String COOKIE = "jnas_token";
  /** JSON without indentation: an experiment of thousands of trials is megabytes otherwise. */
  static final com.fasterxml.jackson.databind.ObjectWriter COMPACT =
      Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
  private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
      + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  /**
   * What to serve and where.
   *
   * @param folder one experiment folder, or (with {@code root}) a folder holding experiment folders
   * @param root whether {@code folder} is a root of experiments
   * @param host the address to bind (loopback unless given)
   * @param port 0 for any free port
   * @param token required of every request when not null; required when {@code host} is not a
   *     loopback address
   */
  public record Settings(Path folder, boolean root, String host, int port, String token) {
    public Settings {
      if (port < 0 || port > 65_535) {
        throw new BadInputException("--port " + port + " is not a port (0-65535; 0: any free port)");
      }
      if (token != null && !TOKEN.matcher(token).matches()) {
        throw new BadInputException("the dashboard token must be 16-256 characters of A-Z a-z 0-9 . _ ~ + / = -"
            + " (e.g. from: openssl rand -hex 16)");
      }
      if (token == null && !isLoopback(host)) {
        throw new BadInputException("--host " + host + " makes the dashboard reachable from other machines: give --token"
            + " (or JNAS_DASHBOARD_TOKEN) with a secret every request must carry, e.g. --token $(openssl rand -hex 16)");
      }
    }

    /** Every experiment under {@code root}, on the loopback address, without a token. */
    public static Settings local(Path root, int port) {
      return new Settings(root, true, "127.0.0.1", port, null);
    }
  }

  private final Javalin app;
  private final ExperimentFolders folders;
  private final Settings settings;
  private final Diagrams diagrams = new Diagrams();
  private final Map<String, Cached> documents = new ConcurrentHashMap<>();
  private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "jnas-dashboard-events");
    t.setDaemon(true);
    return t;
  });

  /** An experiment's document as read at {@code fingerprint}, parsed and as sent. */
  private record Cached(String fingerprint, JsonNode doc, String json) {}

  private record RowCache(String fingerprint, ObjectNode row) {}

  private final Map<String, RowCache> rows = new ConcurrentHashMap<>();

  /** A page listening to the experiment in {@code dir} (resolved once, when it subscribed). */
  private record Listener(SseClient client, Path dir, String[] last) {}

  private Dashboard(Settings settings) {
    this.settings = settings;
    this.folders = settings.root() ? ExperimentFolders.under(settings.folder()) : ExperimentFolders.single(settings.folder());
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.http.disableCompression();
    });
    app.before(this::guard);
    app.get("/", ctx -> page(ctx, "index.html"));
    app.get("/experiment", ctx -> page(ctx, "experiment.html"));
    app.get("/assets/{name}", this::asset);
    app.get("/api/experiments", ctx -> json(ctx, list()));
    app.get("/api/experiment", ctx -> ctx.contentType("application/json").result(cached(ctx.queryParam("id")).json()));
    app.get("/api/diagram", this::diagram);
    app.sse("/api/events", this::subscribe);
    app.exception(BadInputException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
    app.exception(NotServed.class, (e, ctx) -> error(ctx, HttpStatus.NOT_FOUND, e.getMessage()));
    app.exception(NasException.class, (e, ctx) -> error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, e.getMessage()));
    app.exception(Exception.class, (e, ctx) -> {
      // a bug: Javalin's own logger is quiet (simplelogger.properties), so say it here
      System.err.println("jnas: dashboard request " + ctx.path() + " failed: " + e);
      error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
    });
    app.error(HttpStatus.NOT_FOUND, ctx -> {
      if (ctx.result() == null) {
        error(ctx, HttpStatus.NOT_FOUND, "no such page: " + ctx.path());
      }
    });
  }

  /**
   * Starts a dashboard.
   *
   * @throws BadInputException when the folder is not there or the port cannot be bound
   */
  public static Dashboard start(Settings settings) {
    Dashboard d = new Dashboard(settings);
    try {
      d.app.start(settings.host(), settings.port());
    } catch (RuntimeException e) {
      d.poller.shutdownNow();
      throw new BadInputException("cannot listen on " + settings.host() + ":" + settings.port() + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + " (choose another --port, or --port 0 for any free one)");
    }
    d.poller.scheduleWithFixedDelay(d::poll, 1, 1, TimeUnit.SECONDS);
    return d;
  }

  /** The port the server listens on. */
  public int port() {
    return app.port();
  }

  /** The address of the experiments list. */
  public String url() {
    String h = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
    return "http://" + h + ":" + port() + "/";
  }

  @Override
  public void close() {
    poller.shutdownNow();
    listeners.forEach(l -> l.client().close());
    app.stop();
  }

  private void guard(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("Cache-Control", "no-store");
    if (settings.token() == null) {
      return;
    }
    String fromQuery = ctx.queryParam("token");
    String auth = ctx.header("Authorization");
    String given = fromQuery != null ? fromQuery
        : auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim()
        : ctx.cookie(COOKIE);
    if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), settings.token().getBytes(StandardCharsets.UTF_8))) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"jnas\"");
      error(ctx, HttpStatus.UNAUTHORIZED, "this dashboard needs its token: open it with ?token=... (given to jnas serve)");
      ctx.skipRemainingHandlers();
      return;
    }
    if (fromQuery != null) {
      // the page's own requests (fetch, EventSource) then carry it without putting it in URLs
      ctx.res().addHeader("Set-Cookie", COOKIE + "=" + settings.token() + "; Path=/; HttpOnly; SameSite=Strict");
    }
  }

  private static void page(Context ctx, String name) {
    ctx.contentType("text/html; charset=utf-8").result(Assets.text(name));
  }

  private void asset(Context ctx) {
    String type = Assets.SERVED.get(ctx.pathParam("name"));
    if (type == null) {
      throw new NotServed("no such asset: " + ctx.pathParam("name"));
    }
    ctx.contentType(type + "; charset=utf-8").result(Assets.text(ctx.pathParam("name")));
  }

  private static void json(Context ctx, JsonNode node) throws IOException {
    ctx.contentType("application/json").result(COMPACT.writeValueAsString(node));
  }

  private static void error(Context ctx, HttpStatus status, String message) {
    ctx.status(status).contentType("application/json")
        .result(Json.MAPPER.createObjectNode().put("error", message == null ? status.getMessage() : message).toString());
  }

  private Path folder(String id) {
    return folders.find(id).orElseThrow(() -> new NotServed("no experiment with id '" + id + "' is served here"));
  }

  /** The experiments list: one row per experiment, BROKEN with the reason when it cannot be read. */
  private ArrayNode list() {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Map.Entry<String, Path> e : folders.scan().entrySet()) {
      // a row is read again only when its experiment changed: an open list page asks every few seconds
      String print = fingerprint(e.getValue());
      RowCache c = rows.get(e.getKey());
      if (c == null || !c.fingerprint().equals(print)) {
        c = new RowCache(print, row(e.getKey(), e.getValue()));
        rows.put(e.getKey(), c);
      }
      out.add(c.row());
    }
    return out;
  }

  private static ObjectNode row(String id, Path dir) {
    ObjectNode row = Json.MAPPER.createObjectNode().put("id", id);
    try (SqliteTrialStore s = SqliteTrialStore.openReadOnly(dir)) {
      var info = s.experiment().orElseThrow(() -> new BadInputException("holds no experiment"));
      List<TrialRecord> trials = s.trials();
      JsonNode config = Json.MAPPER.readTree(info.config());
      row.put("name", info.name());
      row.put("status", ExperimentView.status(info.status(), dir));
      row.put("trials", trials.size());
      row.put("complete", trials.stream().filter(t -> t.status() == dev.jnas.evaluate.TrialStatus.COMPLETE).count());
      row.put("strategy", config.path("strategy").isTextual() ? config.path("strategy").asText() : config.path("strategy").path("name").asText(""));
      row.put("space", config.path("space").isTextual() ? config.path("space").asText() : config.path("space").path("name").asText(""));
      row.put("updated_at", info.updatedAt());
      ExperimentRunner.best(trials).ifPresent(b -> {
        row.put("best_trial", b.id());
        if (Double.isFinite(b.result().reward())) {
          row.put("best_reward", b.result().reward());
        }
      });
    } catch (IOException | RuntimeException ex) {
      row.put("name", id).put("status", "BROKEN").put("error", String.valueOf(ex.getMessage()));
    }
    return row;
  }

  /** The experiment's document, read again only when its files changed. */
  private Cached cached(String id) throws IOException {
    Path dir = folder(id);
    String print = fingerprint(dir);
    Cached c = documents.get(id);
    if (c == null || !c.fingerprint().equals(print)) {
      ObjectNode doc = ExperimentView.read(dir);
      c = new Cached(print, doc, COMPACT.writeValueAsString(doc));
      documents.put(id, c);
    }
    return c;
  }

  private void diagram(Context ctx) throws IOException {
    long trial;
    try {
      trial = Long.parseLong(String.valueOf(ctx.queryParam("trial")));
    } catch (NumberFormatException e) {
      throw new BadInputException("trial must be a trial id, not '" + ctx.queryParam("trial") + "'");
    }
    JsonNode doc = cached(ctx.queryParam("id")).doc();
    for (JsonNode t : doc.path("trials")) {
      if (t.path("id").asLong() == trial) {
        ctx.contentType("image/svg+xml").result(diagrams.svg(doc.path("config"), t.path("architecture").asText()));
        return;
      }
    }
    throw new NotServed("experiment " + ctx.queryParam("id") + " has no trial " + trial);
  }

  private void subscribe(SseClient client) {
    String id = client.ctx().queryParam("id");
    Path dir = folders.find(id).orElse(null);
    if (dir == null) {
      client.sendEvent("gone", "no experiment with id '" + id + "' is served here");
      client.close();
      return;
    }
    client.keepAlive();
    Listener l = new Listener(client, dir, new String[] {fingerprint(dir)});
    client.onClose(() -> listeners.remove(l));
    listeners.add(l);
    client.sendEvent("hello", l.last()[0]);
  }

  private int ticks;

  /** Tells each listener when its experiment's files changed; pings now and then to notice closed pages. */
  private void poll() {
    try {
      ticks++;
      Map<Path, String> prints = new java.util.HashMap<>();
      for (Listener l : listeners) {
        if (l.client().terminated()) {
          listeners.remove(l);
          continue;
        }
        String now = prints.computeIfAbsent(l.dir(), Dashboard::fingerprint);
        if (!now.equals(l.last()[0])) {
          l.last()[0] = now;
          l.client().sendEvent("update", now);
        } else if (ticks % 15 == 0) {
          l.client().sendComment("ping");
        }
      }
    } catch (RuntimeException e) {
      // a page that went away mid-send; the next tick carries on with the others
    }
  }

  /**
   * What changes whenever the experiment does: the store's files (a commit touches the WAL) and
   * whether a process holds the folder (a killed search changes nothing else).
   */
  static String fingerprint(Path dir) {
    StringBuilder b = new StringBuilder();
    for (String f : List.of(SqliteTrialStore.FILE_NAME, SqliteTrialStore.FILE_NAME + "-wal")) {
      Path p = dir.resolve(f);
      try {
        b.append(Files.getLastModifiedTime(p).toMillis()).append(':').append(Files.size(p)).append(';');
      } catch (IOException e) {
        b.append("-;");
      }
    }
    return b.append(ExperimentLock.isHeld(dir)).toString();
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new BadInputException("--host " + host + " is not an address of this machine: " + e.getMessage());
    }
  }

  /** An experiment, trial or file that is not served here (404). */
  static final class NotServed extends RuntimeException {
    NotServed(String message) {
      super(message);
    }
  }
}
