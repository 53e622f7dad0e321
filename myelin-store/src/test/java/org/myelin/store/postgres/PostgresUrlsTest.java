package org.myelin.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresUrlsTest {
    @Test
    void aJdbcUrlIsKeptAsIs() {
        assertThat(PostgresUrls.toJdbc("jdbc:postgresql://h:5433/db?user=u")).isEqualTo("jdbc:postgresql://h:5433/db?user=u");
    }

    @Test
    void aLibpqUriBecomesAJdbcUrlWithUserAndPasswordAsParameters() {
        assertThat(PostgresUrls.toJdbc("postgresql://u:p%40ss@127.0.0.1:5432/test?sslmode=disable"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=u&password=p%40ss&sslmode=disable");
        assertThat(PostgresUrls.toJdbc("postgres://db.example/app")).isEqualTo("jdbc:postgresql://db.example/app");
    }

    @Test
    void otherUrlsAreRefusedWithoutShowingAPassword() {
        assertThatThrownBy(() -> PostgresUrls.toJdbc("mysql://u:secret@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a PostgreSQL URL")
                .hasMessageNotContaining("secret");
        assertThat(PostgresUrls.redact("jdbc:postgresql://h/db?user=u&password=secret&x=1"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&x=1");
        assertThat(PostgresUrls.redact("postgresql://u:secret@h/db")).isEqualTo("postgresql://u:***@h/db");
    }

    @Test
    void theSchemaComesFromCurrentSchema() {
        assertThat(PostgresStoreOptions.of("jdbc:postgresql://h/db?user=u&currentSchema=myelin").schema())
                .isEqualTo("myelin");
        assertThat(PostgresStoreOptions.of("postgresql://h/db").schema()).isEqualTo("public");
        assertThat(PostgresUrls.describe("jdbc:postgresql://h:1/db?password=x")).isEqualTo("PostgreSQL h:1/db");
    }
}
