package org.myelin.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.protocol.Dialect;
import org.myelin.tcp.TcpSettings;

class MyelinConfigTest {
    /** In the shape of Synapse's docs/workers.md: a generic worker's file plus the shared part. */
    static final String SYNAPSE_WORKER = """
            worker_app: synapse.app.generic_worker
            worker_name: generic_worker1

            worker_listeners:
              - type: http
                port: 8083
                x_forwarded: true
                resources:
                  - names: [client, federation]

            worker_log_config: /etc/matrix-synapse/generic-worker-log.yaml

            # shared with the main process
            server_name: example.com
            worker_replication_secret: "s3cret"
            instance_map:
              main:
                host: 'localhost'
                port: 8030
              event_persister1:
                host: localhost
                port: 8034
            stream_writers:
              events: event_persister1
              typing: [main]
            redis:
              enabled: true
            """;

    @Test
    void readsASynapseWorkerFragmentAsItIs() {
        MyelinConfig c = MyelinConfig.parse(SYNAPSE_WORKER);
        assertThat(c.workerName()).isEqualTo("generic_worker1");
        assertThat(c.serverName()).isEqualTo("example.com");
        assertThat(c.replicationSecret()).isEqualTo("s3cret");
        assertThat(c.workerListeners()).containsExactly(new Listener(ListenerType.HTTP, "0.0.0.0", 8083));
        assertThat(c.instanceMap()).containsEntry("main", new InstanceLocation("localhost", 8030, false))
                .containsEntry("event_persister1", new InstanceLocation("localhost", 8034, false));
        assertThat(c.catchUpUrls()).containsExactly("master=http://localhost:8030",
                "event_persister1=http://localhost:8034");
        assertThat(c.streamWriters()).containsEntry("events", List.of("event_persister1"))
                .containsEntry("typing", List.of("main"));
        assertThat(c.redis().enabled()).isTrue();
        assertThat(c.redis().uri()).isEqualTo("redis://localhost:6379");
        assertThat(c.ignoredKeys()).contains("worker_app", "worker_log_config", "worker_listeners[0].x_forwarded",
                "worker_listeners[0].resources");
        assertThat(c.myelin()).isEqualTo(Tunables.defaults());
    }

    @Test
    void theExampleIsValidAndHoldsEveryKeyWithItsDefault() {
        String example = MyelinConfig.example();
        MyelinConfig c = MyelinConfig.parse(example);
        assertThat(c.myelin()).isEqualTo(Tunables.defaults());
        assertThat(c.listeners()).extracting(Listener::type)
                .containsExactly(ListenerType.REPLICATION, ListenerType.HTTP, ListenerType.METRICS);
        assertThat(c.database()).isEqualTo(new DatabaseConfig.Sqlite(Path.of("myelin-data")));
        for (Tunable t : Tunables.KEYS) {
            String leaf = t.key().substring(t.key().lastIndexOf('.') + 1);
            assertThat(example).as(t.key()).containsPattern("(?m)^\\s*#?\\s*" + leaf + ": " + t.defaultText() + "\\b");
        }
    }

    @Test
    void defaultsAreTodaysBuiltInValues() {
        Tunables d = Tunables.defaults();
        assertThat(d.tcp()).isEqualTo(TcpSettings.defaults());
        assertThat(d.http()).isEqualTo(org.myelin.http.server.HttpSettings.defaults());
        assertThat(d.presence()).isEqualTo(org.myelin.core.presence.PresenceSettings.defaults());
        assertThat(d.sync()).isEqualTo(org.myelin.core.presence.SyncSettings.defaults());
        assertThat(d.sqlite()).isEqualTo(org.myelin.store.sqlite.SqliteStoreOptions.defaults());
        assertThat(d.redis().apply(org.myelin.redis.RedisSettings.defaults("x")))
                .isEqualTo(org.myelin.redis.RedisSettings.defaults("x"));
        assertThat(d.catchUpServeRows()).isEqualTo(org.myelin.http.catchup.StreamUpdatesHandler.ROWS_PER_ANSWER);
        // the limits that were constants until they became settings
        assertThat(d.catchUpMaxServeRows()).isEqualTo(org.myelin.http.catchup.StreamUpdatesHandler.MAX_ROWS_PER_ANSWER);
        assertThat(d.tcp().wrongServerDelay()).isEqualTo(org.myelin.tcp.TcpClient.WRONG_SERVER_DELAY);
        assertThat(d.tcp().inboxBound()).isEqualTo(65_536);
        assertThat(d.http().maxPipelined()).isEqualTo(16);
        assertThat(d.redis().apply(org.myelin.redis.RedisSettings.defaults("x")).connectTimeout())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(d.redis().apply(org.myelin.redis.RedisSettings.defaults("x")).publishBatch()).isEqualTo(256);
        assertThat(d.presenceLimits()).isEqualTo(org.myelin.core.presence.PresenceLimits.defaults());
        assertThat(d.presenceLimits()).isEqualTo(new org.myelin.core.presence.PresenceLimits(100_000, 10_000, 10_000, 500));
        assertThat(d.userIps()).isEqualTo(new org.myelin.core.clientip.UserIpSettings(Duration.ofMinutes(2), 100_000));
        assertThat(d.stateSaveInterval()).isEqualTo(Duration.ofMillis(100));
        String url = "jdbc:postgresql://h/db";
        assertThat(d.postgres().apply(org.myelin.store.postgres.PostgresStoreOptions.of(url)))
                .isEqualTo(org.myelin.store.postgres.PostgresStoreOptions.of(url));
        assertThat(org.myelin.store.postgres.PostgresStoreOptions.of(url).retryInitialDelay()).isEqualTo(Duration.ofMillis(50));
        assertThat(org.myelin.store.postgres.PostgresStoreOptions.of(url).retryMaxDelay()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void myelinSectionValuesReachTheSettingsRecords() {
        MyelinConfig c = MyelinConfig.parse("""
                myelin:
                  dialect: "1.66"
                  tcp: {ping_interval: 2s, max_line_bytes: 32K, outbound_queue_bytes: 1M, reconnect_jitter: 0.5}
                  http: {max_body_bytes: 1048576, worker_threads: 3}
                  presence: {sync_timeout: 1500, instance_expiry: 1h}
                  store: {postgres_pool_size: 3}
                """);
        TcpSettings tcp = c.myelin().tcp();
        assertThat(tcp.pingInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(tcp.maxLineBytes()).isEqualTo(32 * 1024);
        assertThat(tcp.maxQueuedBytes()).isEqualTo(1 << 20);
        assertThat(tcp.reconnectJitter()).isEqualTo(0.5);
        assertThat(tcp.dialect()).isEqualTo(Dialect.SYNAPSE_1_66);
        assertThat(c.myelin().http().maxBodyBytes()).isEqualTo(1 << 20);
        assertThat(c.myelin().http().workerThreads()).isEqualTo(3);
        assertThat(c.myelin().presence().syncTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.myelin().presence().instanceExpiry()).isEqualTo(Duration.ofHours(1));
        assertThat(c.myelin().postgres().apply(org.myelin.store.postgres.PostgresStoreOptions.of(
                "jdbc:postgresql://h/db")).poolSize()).isEqualTo(3);
    }

    @Test
    void formerlyBuiltInLimitsAreAppliedWhenSet() throws Exception {
        MyelinConfig c = MyelinConfig.parse("""
                myelin:
                  tcp: {wrong_server_retry: 2s, inbox_commands: 100}
                  catch_up: {serve_rows: 3, max_serve_rows: 7}
                  http: {max_pipelined: 2}
                  redis: {connect_timeout: 1500ms, publish_batch: 32}
                  presence: {user_ip_interval: 0, user_ip_max_keys: 10, max_offline_users: 5, publish_batch_rows: 50}
                  worker: {state_save_interval: 1s}
                  store: {postgres_retry_initial_delay: 10ms, postgres_retry_max_delay: 100ms}
                """);
        Tunables t = c.myelin();
        assertThat(t.tcp().wrongServerDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(t.tcp().inboxBound()).isEqualTo(100);
        assertThat(t.http().maxPipelined()).isEqualTo(2);
        org.myelin.redis.RedisSettings redis = t.redis().apply(org.myelin.redis.RedisSettings.defaults("x"));
        assertThat(redis.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(redis.publishBatch()).isEqualTo(32);
        assertThat(t.presenceLimits().maxOfflineRemembered()).isEqualTo(5);
        assertThat(t.presenceLimits().publishBatchRows()).isEqualTo(50);
        assertThat(t.stateSaveInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(t.postgres().apply(org.myelin.store.postgres.PostgresStoreOptions.of("jdbc:postgresql://h/db"))
                .retryMaxDelay()).isEqualTo(Duration.ofMillis(100));

        // the catch-up endpoint answers at most max_serve_rows, whatever a request's limit asks
        var handler = new org.myelin.http.catchup.StreamUpdatesHandler(
                stream -> java.util.Optional.of((instance, from, upto, limit) -> new org.myelin.core.stream.UpdateBatch(
                        java.util.stream.LongStream.rangeClosed(from + 1, Math.min(upto, from + limit))
                                .mapToObj(i -> new org.myelin.core.stream.StreamRow(i, org.myelin.protocol.RawJson.of("{}")))
                                .toList(), Math.min(upto, from + limit), upto > from + limit)),
                "master", "s3cret", t.catchUpServeRows(), t.catchUpMaxServeRows());
        assertThat(updates(handler, "100")).isEqualTo(7);
        assertThat(updates(handler, null)).isEqualTo(3);

        // USER_IP throttling: an interval of 0 stores every report
        List<org.myelin.core.clientip.ClientIp> stored = new java.util.ArrayList<>();
        var recorder = org.myelin.core.clientip.UserIpRecorder.create(stored::add, t.userIps());
        var report = new org.myelin.protocol.UserIpCommand("@a:x", "tok", "10.0.0.1", "ua", null, 1);
        assertThat(recorder.record(report)).isTrue();
        assertThat(recorder.record(report)).isTrue();
        assertThat(stored).hasSize(2);
    }

    @Test
    void formerlyBuiltInLimitsAreCheckedWithTheKeysPath() {
        assertThatThrownBy(() -> MyelinConfig.parse("myelin: {catch_up: {serve_rows: 500, max_serve_rows: 100}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("myelin.catch_up:")
                .hasMessageContaining("below the rows per answer");
        assertThatThrownBy(() -> MyelinConfig.parse("myelin: {http: {max_pipelined: 0}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("myelin.http.max_pipelined: must be 1-");
        assertThatThrownBy(() -> MyelinConfig.parse("myelin: {worker: {state_save_intervall: 1s}}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("myelin.worker.state_save_intervall: unknown key (did you mean state_save_interval?)");
        assertThatThrownBy(() -> MyelinConfig.parse(
                "myelin: {store: {postgres_retry_initial_delay: 5s, postgres_retry_max_delay: 1s}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("myelin.store:");
    }

    private static int updates(org.myelin.http.catchup.StreamUpdatesHandler handler, String limit) throws Exception {
        Map<String, List<String>> query = new java.util.HashMap<>(Map.of("from_token", List.of("0"),
                "upto_token", List.of("1000")));
        if (limit != null) {
            query.put("limit", List.of(limit));
        }
        var request = new org.myelin.http.server.HttpRequest("GET", org.myelin.http.catchup.StreamUpdatesHandler.PATH
                + "events/1", Map.of("stream", "events", "txn_id", "1"), query,
                Map.of("authorization", "Bearer s3cret"), new byte[0], null);
        var response = handler.handle(request);
        assertThat(response.status()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("updates").size();
    }

    @Test
    void databaseSectionsMapToTheStoreArguments() {
        MyelinConfig pg = MyelinConfig.parse("""
                database:
                  name: psycopg2
                  txn_limit: 10000
                  args:
                    user: synapse_user
                    password: "p@ss word"
                    dbname: synapse
                    host: db.example.com
                    port: 5433
                    cp_min: 5
                    cp_max: 10
                """);
        assertThat(((DatabaseConfig.Postgres) pg.database()).jdbcUrl()).isEqualTo(
                "jdbc:postgresql://db.example.com:5433/synapse?user=synapse_user&password=p%40ss%20word");
        assertThat(pg.ignoredKeys()).contains("database.txn_limit", "database.args.cp_min", "database.args.cp_max");
        assertThat(pg.summary()).doesNotContain("p@ss").contains("(hidden)");
        MyelinConfig sqlite = MyelinConfig.parse("database: {name: sqlite3, args: {database: /var/lib/myelin}}");
        assertThat(sqlite.database()).isEqualTo(new DatabaseConfig.Sqlite(Path.of("/var/lib/myelin")));
    }

    @Test
    void redisSectionMapsToTheUriLettuceReads(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("redis.pw"), "from file\n");
        MyelinConfig c = MyelinConfig.parse("""
                redis: {enabled: true, host: redis.example.com, port: 6380, dbid: 2, password_path: redis.pw, use_tls: true}
                """, dir);
        assertThat(c.redis().uri()).isEqualTo("rediss://:from%20file@redis.example.com:6380/2");
        assertThat(org.myelin.redis.RedisTransport.parseUri(c.redis().uri()).getPassword())
                .isEqualTo("from file".toCharArray());
        assertThat(c.toString()).doesNotContain("from file");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            port out of range            | listeners: [{type: http, port: 8008}, {type: replication, port: 70000}] | listeners[1].port: must be 1-65535, got 70000
            port not a number            | listeners: [{type: http, port: '80a'}]                     | listeners[0].port: must be a port number 1-65535, got '80a'
            port missing                 | listeners: [{type: http}]                                  | listeners[0].port: missing
            listener type unknown        | listeners: [{type: ftp, port: 21}]                         | listeners[0].type: must be replication, http or metrics, got 'ftp'
            listener type missing        | listeners: [{port: 21}]                                    | listeners[0].type: missing; replication, http or metrics
            two addresses                | listeners: [{type: http, port: 1, bind_addresses: ['::1', '127.0.0.1']}] | listeners[0].bind_addresses: Myelin binds one address per listener, got [::1, 127.0.0.1] (give one, or one listener per address)
            two listeners of a type      | listeners: [{type: http, port: 1}, {type: http, port: 2}]  | listeners[1].type: a second http listener; Myelin serves one of each type
            tls listener                 | listeners: [{type: http, port: 1, tls: true}]              | listeners[0].tls: TLS listeners are not supported by Myelin; put a TLS proxy in front
            unknown listener key         | listeners: [{type: http, port: 1, prot: 2}]                | listeners[0].prot: unknown key (did you mean port?)
            listeners not a list         | 'listeners: {type: http}'                                  | listeners: must be a list of listeners, got a mapping
            unknown top-level key        | server_nme: x                                              | server_nme: unknown key (did you mean server_name?)
            server name with a space     | 'server_name: "a b"'                                       | server_name: must be a non-empty name without spaces, got 'a b'
            empty secret                 | 'worker_replication_secret: ""'                            | worker_replication_secret: must not be empty
            instance map port            | 'instance_map: {main: {host: h, port: 0}}'                 | instance_map.main.port: must be 1-65535, got 0
            instance map host missing    | 'instance_map: {main: {port: 1}}'                          | instance_map.main.host: missing
            instance map unix socket     | 'instance_map: {main: {path: /run/s.sock}}'                | instance_map.main.path: Unix sockets are not supported by Myelin; give host and port
            writer not in instance map   | 'stream_writers: {events: [w1]}'                           | stream_writers.events[0]: instance 'w1' is not in instance_map (a stream's writers must be)
            writers not names            | 'stream_writers: {events: {a: 1}}'                         | stream_writers.events: must be an instance name or a list of them, got a mapping
            redis port                   | 'redis: {enabled: true, port: -1}'                         | redis.port: must be 1-65535, got -1
            redis enabled not boolean    | 'redis: {enabled: yes please}'                             | redis.enabled: must be true or false, got 'yes please'
            redis client certificate     | 'redis: {certificate_file: /c.pem}'                        | redis.certificate_file: client certificates are not supported by Myelin (use_tls with a certificate the JVM trusts works)
            redis unknown key            | 'redis: {hots: h}'                                         | redis.hots: unknown key (did you mean host?)
            database name                | 'database: {name: mysql}'                                  | database.name: must be sqlite3 or psycopg2, got 'mysql'
            database name missing        | 'database: {args: {database: x}}'                          | database.name: missing; sqlite3 or psycopg2
            sqlite without a directory   | 'database: {name: sqlite3, args: {}}'                      | database.args.database: missing; the data directory of the SQLite store
            postgres without a database  | 'database: {name: psycopg2, args: {user: u}}'              | database.args.dbname: missing; the PostgreSQL database
            postgres unknown argument    | 'database: {name: psycopg2, args: {dbname: d, usr: u}}'    | database.args.usr: unknown key (did you mean user?)
            postgres socket directory    | 'database: {name: psycopg2, args: {dbname: d, host: /run/postgresql}}' | database.args.host: Unix socket directories are not supported by Myelin; give a host name, got '/run/postgresql'
            postgres sslmode             | 'database: {name: psycopg2, args: {dbname: d, sslmode: maybe}}' | database.args.sslmode: must be disable, allow, prefer, require, verify-ca or verify-full, got 'maybe'
            replication host alone       | 'worker_replication_host: h'                               | worker_replication_port: missing; worker_replication_host and worker_replication_port go together
            myelin unknown group         | 'myelin: {tpc: {}}'                                        | myelin.tpc: unknown key (did you mean tcp?)
            myelin unknown leaf          | 'myelin: {tcp: {ping_intervall: 5s}}'                      | myelin.tcp.ping_intervall: unknown key (did you mean ping_interval?)
            duration too long            | 'myelin: {engine: {task_drain_time: 30d}}'                 | myelin.engine.task_drain_time: must be at most 24d, got 30d
            duration unit                | 'myelin: {tcp: {ping_interval: 5 minutes}}'                | myelin.tcp.ping_interval: must be a duration (milliseconds, or a number with ms, s, m, h, d or w), got '5 minutes'
            duration zero                | 'myelin: {tcp: {ping_timeout: 0}}'                         | myelin.tcp.ping_timeout: must be at least 1ms, got 0
            size unit                    | 'myelin: {tcp: {outbound_queue_bytes: 8MB}}'               | myelin.tcp.outbound_queue_bytes: must be a size (bytes, or a number with K, M or G), got '8MB'
            line limit range             | 'myelin: {tcp: {max_line_bytes: 100}}'                     | myelin.tcp.max_line_bytes: must be 256-16777216 bytes, got 100
            count not whole              | 'myelin: {http: {worker_threads: 2.5}}'                    | myelin.http.worker_threads: must be a whole number, got 2.5
            count range                  | 'myelin: {engine: {max_queued_per_link: 1}}'               | myelin.engine.max_queued_per_link: must be 2-2147483647, got 1
            fraction range               | 'myelin: {tcp: {reconnect_jitter: 2}}'                     | myelin.tcp.reconnect_jitter: must be 0.0-1.0, got 2
            dialect                      | 'myelin: {dialect: "1.99"}'                                | myelin.dialect: must be 1.66 or latest, got '1.99'
            values that contradict       | 'myelin: {tcp: {reconnect_initial_delay: 5s, reconnect_max_delay: 1s}}' | myelin.tcp: reconnectMaxDelay PT1S is below reconnectInitialDelay PT5S
            not a mapping                | '- a list'                                                 | (top): must be a mapping of keys to values, got a list
            bad yaml                     | 'a: [b'                                                    | line 1: not valid YAML
            duplicate key                | 'server_name: a\\nserver_name: b'                          | Duplicate field 'server_name'
            """)
    void rejectsWithThePathAndTheReason(String what, String yaml, String error) {
        assertThatThrownBy(() -> MyelinConfig.parse(yaml.replace("\\n", "\n")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.errors()).anySatisfy(m -> assertThat(m).contains(error)));
    }

    @Test
    void reportsEveryProblemNotJustTheFirst() {
        assertThatThrownBy(() -> MyelinConfig.parse("""
                server_nme: x
                listeners: [{type: http, port: 70000}]
                myelin: {tcp: {ping_interval: soon}}
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
                "server_nme: unknown key (did you mean server_name?)",
                "listeners[0].port: must be 1-65535, got 70000",
                "myelin.tcp.ping_interval: must be a duration (milliseconds, or a number with ms, s, m, h, d or w),"
                        + " got 'soon'"));
    }

    @Test
    void anEmptyFileIsEveryDefault() {
        assertThat(MyelinConfig.parse("")).isEqualTo(MyelinConfig.empty());
        assertThat(MyelinConfig.parse("# nothing\n")).isEqualTo(MyelinConfig.empty());
    }

    @Test
    void aMissingFileIsOneError(@TempDir Path dir) {
        assertThatThrownBy(() -> MyelinConfig.load(dir.resolve("nope.yaml")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.errors()).singleElement().asString().endsWith("nope.yaml: no such file"));
    }

    @Test
    void writtenAndReadBackIsEqual() {
        MyelinConfig c = new MyelinConfig("example.com", "writer1", "w1",
                Map.of("writer1", new InstanceLocation("10.0.0.1", 8034, true)), Map.of("events", List.of("writer1")),
                new RedisConfig(true, "r", 6390, null, 3, "pw: #x", false),
                new DatabaseConfig.Postgres("db", 5432, "synapse", "u", "p", "require"), "secret",
                new InstanceLocation("main.example.com", 9092, false),
                List.of(new Listener(ListenerType.REPLICATION, "::1", 9092)),
                List.of(new Listener(ListenerType.METRICS, "127.0.0.1", 9100)),
                Tunables.defaults().with("tcp.ping_interval", Duration.ofMillis(1500)), List.of());
        assertThat(MyelinConfig.parse(c.toYaml())).isEqualTo(c);
    }
}
